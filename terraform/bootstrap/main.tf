# What every environment needs before its first plan, made once per DigitalOcean account:
#
#   - the Spaces bucket that holds the environments' Terraform state (versioned: a state
#     overwritten by mistake can be restored from an old version);
#   - the container registry every cluster pulls the images from (an account has one).
#
# Its own state is small and holds no secret; it stays in this folder (terraform.tfstate, ignored
# by git) unless you move it into the bucket it creates: add a backend "s3" block like the
# environments' and run terraform init -migrate-state.

module "registry" {
  source = "../modules/registry"

  name   = var.registry_name
  region = var.region
}

resource "digitalocean_spaces_bucket" "state" {
  name   = var.state_bucket
  region = var.region
  acl    = "private"

  versioning {
    enabled = true
  }

  # Every apply writes a new version of a state; keep the old ones 90 days.
  lifecycle_rule {
    id                                     = "old-states"
    enabled                                = true
    abort_incomplete_multipart_upload_days = 1

    noncurrent_version_expiration {
      days = 90
    }
  }
}
