# Providers are pinned to a minor series; the exact versions are in .terraform.lock.hcl, which is
# committed (README: lock file policy).

terraform {
  required_version = ">= 1.10, < 2.0"

  required_providers {
    digitalocean = {
      source  = "digitalocean/digitalocean"
      version = "~> 2.99"
    }
  }
}

provider "digitalocean" {}
