//! The deployment as code, checked on this machine without a cluster (issue 14): every overlay of
//! `knative/` and `keda/` renders with a real kustomize and validates against the CRDs' and
//! Kubernetes' own schemas; the manifests agree with the functions' descriptions in code; and the
//! dev overlay's functions run here with exactly the environment their Services declare, taking
//! the CloudEvents their KafkaSources and PingSources would send. `terraform/`, which creates the
//! cluster, databases, buckets and add-ons they run on (issue 15), is checked here too, and so are
//! the game day's Chaos Mesh experiments in `knative/chaos` (issue 21).

mod chaos;
mod cross_check;
mod deploy_command;
mod manifests;
mod runtime;
mod schemas;
mod terraform;
mod triggered_work;
