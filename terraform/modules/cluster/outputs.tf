output "id" {
  description = "ID of the cluster (also the value of the managed databases' k8s trusted source)."
  value       = digitalocean_kubernetes_cluster.this.id
}

output "urn" {
  description = "URN of the cluster, to list it in the environment's project."
  value       = digitalocean_kubernetes_cluster.this.urn
}

output "name" {
  description = "Name of the cluster (doctl kubernetes cluster kubeconfig save <name>)."
  value       = digitalocean_kubernetes_cluster.this.name
}

output "kubernetes_version" {
  description = "The Kubernetes version the cluster was created with or last upgraded to by Terraform."
  value       = digitalocean_kubernetes_cluster.this.version
}

output "host" {
  description = "URL of the cluster's API server."
  value       = digitalocean_kubernetes_cluster.this.kube_config[0].host
}

output "token" {
  description = "Short-lived API token for the kubernetes and helm providers (renewed on each plan)."
  value       = digitalocean_kubernetes_cluster.this.kube_config[0].token
  sensitive   = true
}

output "cluster_ca_certificate" {
  description = "PEM certificate of the cluster's CA."
  value       = base64decode(digitalocean_kubernetes_cluster.this.kube_config[0].cluster_ca_certificate)
  sensitive   = true
}

output "role_label" {
  description = "Node label whose value names each pool's role (system, services, kafka, analytics)."
  value       = local.role_label
}

output "kafka_taint" {
  description = "Taint of the Kafka pool's nodes (key, value, effect), which Kafka's pods must tolerate; null without a Kafka pool."
  value       = var.kafka_pool == null ? null : local.kafka_taint
}
