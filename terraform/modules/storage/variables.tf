variable "environment" {
  description = "The environment: dev, staging or prod; part of each bucket's name."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "bucket_prefix" {
  description = "Start of the bucket names, unique to your organisation: Spaces bucket names are global across DigitalOcean. The buckets are <prefix>-<env>-archive and <prefix>-<env>-backups."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,40}[a-z0-9]$", var.bucket_prefix))
    error_message = "bucket_prefix must be 3-42 lowercase letters, digits and hyphens (bucket names are at most 63 characters)."
  }
}

variable "region" {
  description = "Spaces region of the buckets (a region with Spaces: nyc3, sfo2, sfo3, ams3, sgp1, fra1, syd1, blr1, atl1, lon1, tor1)."
  type        = string

  validation {
    condition     = contains(["nyc3", "sfo2", "sfo3", "ams3", "sgp1", "fra1", "syd1", "blr1", "atl1", "lon1", "tor1"], var.region)
    error_message = "region must be a DigitalOcean region with Spaces."
  }
}

variable "archive_retention_days" {
  description = "Days an archived event is kept. The archive is what replay restores after a backup, so it must outlive the oldest backup kept; production keeps at least the audit trail's year."
  type        = number

  validation {
    condition     = var.archive_retention_days >= 30 && floor(var.archive_retention_days) == var.archive_retention_days
    error_message = "archive_retention_days must be a whole number of at least 30."
  }

  validation {
    condition     = var.environment != "prod" || var.archive_retention_days >= 365
    error_message = "production keeps archived events (the audit trail among them) for at least 365 days."
  }
}

variable "backup_version_retention_days" {
  description = "Days a backup object that was deleted or overwritten stays recoverable as an old version. The backup function keeps its own daily and weekly generations; this is the safety net behind it."
  type        = number

  validation {
    condition     = var.backup_version_retention_days >= 1 && var.backup_version_retention_days <= 365 && floor(var.backup_version_retention_days) == var.backup_version_retention_days
    error_message = "backup_version_retention_days must be a whole number from 1 to 365."
  }
}

variable "force_destroy" {
  description = "Whether terraform destroy may delete buckets that still hold objects. Only for throw-away environments."
  type        = bool

  validation {
    condition     = !(var.force_destroy && var.environment == "prod")
    error_message = "force_destroy must stay false in production: destroying the stack must never delete the archive and the backups."
  }
}
