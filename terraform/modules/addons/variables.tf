variable "environment" {
  description = "The environment: dev, staging or prod. Staging and prod run two replicas of the control planes (Knative, KEDA, cert-manager, Contour)."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "functions_namespace" {
  description = "Namespace of the functions and of the in-cluster Kafka (Strimzi watches it; the public Gateway lives in it)."
  type        = string
}

variable "kafka_in_cluster" {
  description = "Whether Kafka runs in the cluster (Strimzi's operator is installed) or is a managed cluster."
  type        = bool
}

variable "acme_email" {
  description = "E-mail of the Let's Encrypt account that issues the Gateway's certificate (expiry notices go there)."
  type        = string

  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.acme_email))
    error_message = "acme_email must be an e-mail address."
  }
}

variable "dns_api_token" {
  description = "DigitalOcean API token limited to the domain's DNS records, for cert-manager's DNS-01 challenges."
  type        = string
  sensitive   = true
}

variable "metrics_retention_days" {
  description = "Days Prometheus keeps metrics."
  type        = number

  validation {
    condition     = var.metrics_retention_days >= 1 && var.metrics_retention_days <= 90
    error_message = "metrics_retention_days must be from 1 to 90."
  }
}

variable "logs_retention_days" {
  description = "Days Loki keeps logs."
  type        = number

  validation {
    condition     = var.logs_retention_days >= 1 && var.logs_retention_days <= 90
    error_message = "logs_retention_days must be from 1 to 90."
  }
}

variable "database_url" {
  description = "The functions' PostgreSQL URL; the postgres-exporter reads the database's statistics with it."
  type        = string
  sensitive   = true
}

variable "chaos_mesh" {
  description = "Whether Chaos Mesh is installed for the weekly game day (knative/chaos). Staging only: never in prod."
  type        = bool
  default     = false

  validation {
    condition     = !(var.chaos_mesh && var.environment == "prod")
    error_message = "chaos_mesh must not be enabled in prod: the game day runs in staging."
  }
}
