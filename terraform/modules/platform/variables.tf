variable "environment" {
  description = "The environment: dev, staging or prod. It names every resource and is the first tag of every taggable one."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "region" {
  description = "DigitalOcean region of the whole environment (cluster, databases, buckets), for example \"fra1\"."
  type        = string

  validation {
    condition     = contains(["nyc3", "sfo2", "sfo3", "ams3", "sgp1", "fra1", "syd1", "blr1", "atl1", "lon1", "tor1"], var.region)
    error_message = "region must be a DigitalOcean region with Kubernetes, managed databases and Spaces (ams3, atl1, blr1, fra1, lon1, nyc3, sfo2, sfo3, sgp1, syd1, tor1)."
  }
}

variable "vpc_ip_range" {
  description = "The environment's VPC range (RFC 1918); a different one per environment."
  type        = string
}

variable "registry_name" {
  description = "Name of the account's container registry (created by terraform/bootstrap); the cluster pulls the images from it."
  type        = string
}

variable "bucket_prefix" {
  description = "Start of the Spaces bucket names, unique to your organisation (bucket names are global)."
  type        = string
}

variable "cluster" {
  description = "The Kubernetes cluster: version, control plane, upgrades and node pools (see the cluster module's variables)."
  type = object({
    kubernetes_version_prefix       = string
    high_availability               = bool
    auto_upgrade                    = bool
    maintenance_window              = object({ day = string, start_time = string })
    control_plane_allowed_addresses = list(string)
    system_pool                     = object({ size = string, node_count = number })
    services_pool                   = object({ size = string, min_nodes = number, max_nodes = number })
    kafka_pool                      = optional(object({ size = string, node_count = number }))
    analytics_pool                  = optional(object({ size = string, min_nodes = number, max_nodes = number }))
  })
}

variable "databases" {
  description = "The managed databases: PostgreSQL with its pool, Valkey, and a managed Kafka or null (see the database module's variables)."
  type = object({
    maintenance_window = object({ day = string, hour = string })
    postgres = object({
      version          = string
      size             = string
      node_count       = number
      storage_size_mib = optional(number)
      pool_size        = number
    })
    valkey = object({ version = string, size = string, node_count = number })
    kafka  = optional(object({ version = string, size = string }))
  })
}

variable "storage" {
  description = "Retention of the event archive and of old backup versions, in days, and whether destroy may empty the buckets."
  type = object({
    archive_retention_days        = number
    backup_version_retention_days = number
    force_destroy                 = bool
  })
}

variable "addons" {
  description = "The cluster add-ons: the ACME account's e-mail for the Let's Encrypt certificates, the observability stack's retention, and whether Chaos Mesh runs the game day (staging only)."
  type = object({
    acme_email             = string
    metrics_retention_days = number
    logs_retention_days    = number
    chaos_mesh             = optional(bool, false)
  })
}

variable "dns_api_token" {
  description = "DigitalOcean API token with write access to the domain's DNS records only, for cert-manager's DNS-01 challenges."
  type        = string
  sensitive   = true
}

variable "llm_api_key" {
  description = "API key of chat-api's LLM provider; an empty string runs chat-api without an LLM."
  type        = string
  sensitive   = true
}

variable "oidc_client_secret" {
  description = "The web page's client secret at the identity provider (a confidential client); empty for a public client."
  type        = string
  sensitive   = true
}
