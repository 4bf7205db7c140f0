//! The cluster's executor: runs each remediation action as one JSON merge patch through the
//! Kubernetes API (the `kube` crate), on the objects of the variant the platform is deployed with
//! (`AIOPS_PLATFORM`: `knative` or `keda`; what each action patches is in `kube/changes.rs`), in
//! the namespace of aiops itself. aiops' ServiceAccount may `get` and `patch` exactly those
//! objects (`knative/base/aiops/role.yaml`, `keda/base/aiops/role.yaml`).
//!
//! Every outcome names the object (`ksvc todo/task-api`) and what changed, or carries the API's
//! own message: a missing object is `no such ksvc todo/task-api`, a refused patch (RBAC, a
//! webhook, min above max) says who refused it and why. Each action is idempotent: patching a
//! value it already has changes nothing (a restart always rolls, as asked).
//!
//! Tested without a cluster: `cargo test -p aiops --test kube_executor` points the client at an
//! axum server that plays the API.

mod changes;

use std::sync::Arc;

use ::kube::api::{Api, DynamicObject, Patch, PatchParams};
use ::kube::{Client, Config};
use anyhow::Context;
use async_trait::async_trait;
use chrono::SecondsFormat;
use todo_aiops::remediation::{Action, Outcome};
use todo_kit::clock::{Clock, SystemClock};
use todo_kit::error_chain::error_chain;
use todo_kit::settings::common;

pub use changes::Platform;
use changes::{Change, change, env_patch};

use super::executor::Executor;
use crate::function::{AIOPS_PLATFORM, POD_NAMESPACE};

/// Where Kubernetes mounts the namespace of a pod's ServiceAccount (with its token).
const NAMESPACE_FILE: &str = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
/// The namespace of our manifests, when nothing says otherwise.
const DEFAULT_NAMESPACE: &str = "todo";
/// The field manager of every patch, so `managedFields` show who changed what.
const FIELD_MANAGER: &str = "aiops";

/// Runs remediation actions as merge patches on the platform's Kubernetes objects.
#[derive(Clone)]
pub struct KubeExecutor {
    client: Client,
    platform: Platform,
    namespace: String,
    /// `TOPIC_PREFIX`: the topics the objects name carry it, the actions' topics do not.
    topic_prefix: String,
    /// The time a restart writes.
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for KubeExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The client has no Debug (it holds the credentials).
        f.debug_struct("KubeExecutor")
            .field("platform", &self.platform)
            .field("namespace", &self.namespace)
            .field("topic_prefix", &self.topic_prefix)
            .finish_non_exhaustive()
    }
}

impl KubeExecutor {
    /// An executor patching `platform`'s objects in `namespace` through `client`.
    pub fn new(client: Client, platform: Platform, namespace: impl Into<String>) -> Self {
        Self {
            client,
            platform,
            namespace: namespace.into(),
            topic_prefix: String::new(),
            clock: Arc::new(SystemClock),
        }
    }

    /// The same executor, for topics named with `prefix` in front (`TOPIC_PREFIX`).
    #[must_use]
    pub fn with_topic_prefix(self, prefix: impl Into<String>) -> Self {
        Self {
            topic_prefix: prefix.into(),
            ..self
        }
    }

    /// The same executor, writing restart times from `clock`.
    #[must_use]
    pub fn with_clock(self, clock: Arc<dyn Clock>) -> Self {
        Self { clock, ..self }
    }

    /// The executor the environment asks for: `None` when `AIOPS_PLATFORM` is unset (`todo
    /// serve` acts on its own components), else one in [`namespace`] with the credentials
    /// kube finds (a kubeconfig, else the pod's ServiceAccount).
    ///
    /// # Errors
    /// An `AIOPS_PLATFORM` other than `knative` or `keda`, or no usable cluster credentials
    /// (outside a cluster without a kubeconfig): the caller decides whether to run without.
    pub async fn from_env() -> anyhow::Result<Option<Self>> {
        let Some(platform) = AIOPS_PLATFORM.parse::<Platform>("knative or keda")? else {
            return Ok(None);
        };
        let config = Config::infer()
            .await
            .context("Failed to find the Kubernetes API's address and credentials")?;
        let executor = Self::new(client(config)?, platform, namespace())
            .with_topic_prefix(common::TOPIC_PREFIX.value().unwrap_or_default());
        Ok(Some(executor))
    }

    /// Sends `change`, first checking its topic when it has one; the outcome's detail.
    async fn apply(&self, change: Change) -> Result<String, String> {
        let api: Api<DynamicObject> =
            Api::namespaced_with(self.client.clone(), &self.namespace, &change.kind.api_resource());
        let object = format!("{} {}/{}", change.kind.label(), self.namespace, change.name);
        if let Some(topic) = &change.topic {
            let current = api.get(&change.name).await.map_err(|e| failure(&object, e))?;
            let reads = change.kind.topics(&current.data);
            let wanted = format!("{}{topic}", self.topic_prefix);
            if reads != [wanted.as_str()] {
                let read = reads.join(", ");
                return Err(if reads.contains(&wanted) {
                    format!(
                        "{object} reads {read} and pauses as a whole, not {wanted} alone (ask for all its topics, \"*\"); nothing was changed"
                    )
                } else {
                    format!("{object} does not read {wanted} (it reads {read}); nothing was changed")
                });
            }
        }
        let patch = match &change.env {
            Some((name, value)) => {
                let current = api.get(&change.name).await.map_err(|e| failure(&object, e))?;
                env_patch(&current.data, current.metadata.resource_version.as_deref(), name, value)
                    .map_err(|why| format!("{object}: {why}"))?
            }
            None => change.patch.clone(),
        };
        let params = PatchParams {
            field_manager: Some(FIELD_MANAGER.to_owned()),
            ..PatchParams::default()
        };
        api.patch(&change.name, &params, &Patch::Merge(&patch))
            .await
            .map_err(|e| failure(&object, e))?;
        Ok(format!("patched {object}: {}", change.summary))
    }
}

#[async_trait]
impl Executor for KubeExecutor {
    fn target(&self) -> String {
        format!("kubernetes ({}, {})", self.platform, self.namespace)
    }

    #[tracing::instrument(name = "kube_execute", skip(self), fields(action = %action, namespace = %self.namespace))]
    async fn execute(&self, action: &Action) -> Outcome {
        let now = self.clock.now().to_rfc3339_opts(SecondsFormat::Secs, true);
        let result = match change(self.platform, action, &now) {
            Ok(change) => self.apply(change).await,
            Err(reason) => Err(reason),
        };
        match result {
            Ok(detail) => {
                tracing::info!(%detail, "remediation action executed");
                Outcome::ok(detail)
            }
            Err(detail) => {
                tracing::warn!(%detail, "remediation action failed");
                Outcome::failed(detail)
            }
        }
    }
}

/// A client for `config`, on rustls with ring. Several crypto providers are linked into this
/// binary (reqwest brings aws-lc-rs), so rustls needs one installed for the process before kube
/// builds its TLS configuration; the first installed stays.
///
/// # Errors
/// A configuration the client cannot be built from (a bad certificate or key).
pub fn client(config: Config) -> anyhow::Result<Client> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::try_from(config).context("Failed to build the Kubernetes client")
}

/// The namespace of the objects to patch: `POD_NAMESPACE` (the downward API), else the one of
/// the pod's ServiceAccount, else `todo`.
pub fn namespace() -> String {
    POD_NAMESPACE
        .value()
        .or_else(|| {
            std::fs::read_to_string(NAMESPACE_FILE)
                .ok()
                .map(|ns| ns.trim().to_owned())
                .filter(|ns| !ns.is_empty())
        })
        .unwrap_or_else(|| DEFAULT_NAMESPACE.to_owned())
}

/// The outcome's words for a failed call about `object`: the API's own message.
fn failure(object: &str, error: ::kube::Error) -> String {
    match error {
        ::kube::Error::Api(status) if status.code == 404 => {
            format!("no such {object} ({})", status.message)
        }
        ::kube::Error::Api(status) => format!(
            "the API refused to change {object}: {} {}: {}",
            status.code, status.reason, status.message
        ),
        other => format!("could not reach the API about {object}: {}", error_chain(&other)),
    }
}
