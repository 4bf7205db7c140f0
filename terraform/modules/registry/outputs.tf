output "name" {
  description = "Name of the registry."
  value       = digitalocean_container_registry.this.name
}

output "endpoint" {
  description = "Where images are pushed: registry.digitalocean.com/<name>."
  value       = digitalocean_container_registry.this.endpoint
}

output "pull_secret_name" {
  description = "Name of the pull Secret the registry integration keeps in every namespace of the cluster."
  value       = "registry-${digitalocean_container_registry.this.name}"
}
