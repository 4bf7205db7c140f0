# The two Spaces buckets of an environment, and one access key that can use only them.
#
#   <prefix>-<env>-archive  every event of every topic (the archiver), kept archive_retention_days
#   <prefix>-<env>-backups  the databases' snapshots (the backup function keeps its generations)
#
# Both are private and versioned: an object overwritten or deleted by mistake (or by a stolen key)
# stays recoverable as an old version until the lifecycle rule expires it. No CORS configuration
# is set, so no browser origin may use the buckets: only the functions do, with the key below.

locals {
  buckets = {
    archive = "${var.bucket_prefix}-${var.environment}-archive"
    backups = "${var.bucket_prefix}-${var.environment}-backups"
  }
}

resource "digitalocean_spaces_bucket" "archive" {
  name          = local.buckets.archive
  region        = var.region
  acl           = "private"
  force_destroy = var.force_destroy

  versioning {
    enabled = true
  }

  lifecycle_rule {
    id                                     = "archive-retention"
    enabled                                = true
    abort_incomplete_multipart_upload_days = 1

    expiration {
      days = var.archive_retention_days
    }

    # Archive objects are written once (the same key for the same offsets, with the same
    # bytes); an old version exists only after a mistake, and a week is enough to notice it.
    noncurrent_version_expiration {
      days = 7
    }
  }
}

resource "digitalocean_spaces_bucket" "backups" {
  name          = local.buckets.backups
  region        = var.region
  acl           = "private"
  force_destroy = var.force_destroy

  versioning {
    enabled = true
  }

  # Current backups are deleted by the backup function's own retention (N daily, M weekly); a
  # deleted one stays recoverable for backup_version_retention_days.
  lifecycle_rule {
    id                                     = "backup-old-versions"
    enabled                                = true
    abort_incomplete_multipart_upload_days = 1

    noncurrent_version_expiration {
      days = var.backup_version_retention_days
    }
  }
}

# The functions' key: read and write on these two buckets, nothing else of the account.
resource "digitalocean_spaces_key" "functions" {
  name = "${var.bucket_prefix}-${var.environment}-functions"

  grant {
    bucket     = digitalocean_spaces_bucket.archive.name
    permission = "readwrite"
  }

  grant {
    bucket     = digitalocean_spaces_bucket.backups.name
    permission = "readwrite"
  }
}
