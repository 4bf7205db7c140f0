# The state of the staging environment, on Spaces through the S3 API, with S3's own lock file
# (conditional writes) so that two applies never run at once. The bucket is made once by
# terraform/bootstrap; the credentials are a Spaces key in AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY (make infra sets them from SPACES_ACCESS_KEY_ID and
# SPACES_SECRET_ACCESS_KEY). Another bucket or region: make infra TF_STATE_BUCKET=... TF_STATE_REGION=...

terraform {
  backend "s3" {
    bucket       = "evolution-of-todo-terraform-state"
    key          = "environments/staging/terraform.tfstate"
    region       = "us-east-1" # required by the backend, not used by Spaces
    use_lockfile = true

    endpoints = {
      s3 = "https://fra1.digitaloceanspaces.com"
    }

    skip_credentials_validation = true
    skip_requesting_account_id  = true
    skip_metadata_api_check     = true
    skip_region_validation      = true
    skip_s3_checksum            = true
  }
}
