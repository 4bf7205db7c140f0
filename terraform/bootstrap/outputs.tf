output "state_bucket" {
  description = "The bucket the environments keep their state in."
  value       = digitalocean_spaces_bucket.state.name
}

output "registry_endpoint" {
  description = "Where images are pushed."
  value       = module.registry.endpoint
}

output "pull_secret_name" {
  description = "The pull Secret the clusters' registry integration creates in every namespace."
  value       = module.registry.pull_secret_name
}
