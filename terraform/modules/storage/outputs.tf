output "archive_bucket" {
  description = "Name of the event archive's bucket."
  value       = digitalocean_spaces_bucket.archive.name
}

output "backups_bucket" {
  description = "Name of the backups' bucket."
  value       = digitalocean_spaces_bucket.backups.name
}

output "endpoint" {
  description = "The S3 API endpoint of the buckets' region (https://<region>.digitaloceanspaces.com)."
  value       = "https://${var.region}.digitaloceanspaces.com"
}

output "region" {
  description = "Region of the buckets, as the S3 API's region."
  value       = var.region
}

output "bucket_urns" {
  description = "URNs of the two buckets, to list them in the environment's project."
  value       = [digitalocean_spaces_bucket.archive.urn, digitalocean_spaces_bucket.backups.urn]
}

output "access_key_id" {
  description = "Access key ID of the functions' Spaces key (it can use only these two buckets)."
  value       = digitalocean_spaces_key.functions.access_key
  sensitive   = true
}

output "secret_access_key" {
  description = "Secret of the functions' Spaces key."
  value       = digitalocean_spaces_key.functions.secret_key
  sensitive   = true
}
