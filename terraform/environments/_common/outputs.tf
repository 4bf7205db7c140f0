# Shared by every environment's root module (each environment folder links to this file). What an
# operator needs after an apply; secret values stay in the state and in the cluster's Secret.

output "cluster_name" {
  description = "The cluster: doctl kubernetes cluster kubeconfig save <cluster_name>, then make deploy."
  value       = module.platform.cluster_name
}

output "registry_endpoint" {
  description = "Where the images are pushed (make images REGISTRY=<registry_endpoint>)."
  value       = module.platform.registry_endpoint
}

output "namespace" {
  description = "Namespace of the functions."
  value       = module.platform.namespace
}

output "secret_name" {
  description = "The Secret the functions read, created and filled by Terraform."
  value       = module.platform.secret_name
}

output "secret_keys" {
  description = "The keys of that Secret."
  value       = module.platform.secret_keys
}

output "buckets" {
  description = "The environment's Spaces buckets (event archive and backups) and their endpoint."
  value       = module.platform.buckets
}

output "kafka_in_cluster" {
  description = "Whether Kafka runs in the cluster (Strimzi, knative/kafka) rather than managed."
  value       = module.platform.kafka_in_cluster
}
