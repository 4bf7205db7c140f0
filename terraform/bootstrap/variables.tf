variable "region" {
  description = "Region of the state bucket and the registry, for example \"fra1\"."
  type        = string

  validation {
    condition     = contains(["nyc3", "sfo2", "sfo3", "ams3", "sgp1", "fra1", "syd1", "blr1", "atl1", "lon1", "tor1"], var.region)
    error_message = "region must be a DigitalOcean region with Spaces and the container registry."
  }
}

variable "state_bucket" {
  description = "Name of the Spaces bucket for the Terraform state (global across DigitalOcean); the environments' backend.tf name it too."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", var.state_bucket))
    error_message = "state_bucket must be 3-63 lowercase letters, digits and hyphens."
  }
}

variable "registry_name" {
  description = "Name of the container registry; the images are registry.digitalocean.com/<name>/<function>."
  type        = string
}
