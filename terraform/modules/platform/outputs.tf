output "cluster_name" {
  description = "Name of the Kubernetes cluster: doctl kubernetes cluster kubeconfig save <name>."
  value       = module.cluster.name
}

output "kubernetes" {
  description = "How the kubernetes and helm providers reach the cluster (API server, token, CA)."
  value = {
    host                   = module.cluster.host
    token                  = module.cluster.token
    cluster_ca_certificate = module.cluster.cluster_ca_certificate
  }
  sensitive = true
}

output "registry_endpoint" {
  description = "Where make image pushes: registry.digitalocean.com/<registry>."
  value       = data.digitalocean_container_registry.this.endpoint
}

output "namespace" {
  description = "Namespace the functions are deployed into."
  value       = module.platform_secrets.namespace
}

output "secret_name" {
  description = "The Secret the functions read (filled by Terraform)."
  value       = module.platform_secrets.secret_name
}

output "secret_keys" {
  description = "The keys of that Secret."
  value       = module.platform_secrets.secret_keys
}

output "buckets" {
  description = "The environment's Spaces buckets and their S3 endpoint."
  value = {
    archive  = module.storage.archive_bucket
    backups  = module.storage.backups_bucket
    endpoint = module.storage.endpoint
  }
}

output "postgres_port" {
  description = "Port of the PostgreSQL pool the functions connect to."
  value       = module.database.postgres_port
}

output "kafka_in_cluster" {
  description = "Whether Kafka runs in the cluster (Strimzi) rather than as a managed cluster."
  value       = var.databases.kafka == null
}
