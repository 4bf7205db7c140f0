variable "name" {
  description = "Name of the registry; images are registry.digitalocean.com/<name>/<function>. An account has one registry, shared by its environments; the cluster's pull Secret is registry-<name>."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", var.name))
    error_message = "name must be 3-63 lowercase letters, digits and hyphens."
  }
}

variable "region" {
  description = "Region of the registry's storage, near the clusters that pull from it."
  type        = string

  validation {
    condition     = contains(["nyc3", "sfo3", "sfo2", "ams3", "sgp1", "fra1", "blr1", "syd1", "tor1", "lon1", "atl1"], var.region)
    error_message = "region must be a region where DigitalOcean Container Registry runs (nyc3, sfo2, sfo3, ams3, sgp1, fra1, blr1, syd1, tor1, lon1, atl1)."
  }
}
