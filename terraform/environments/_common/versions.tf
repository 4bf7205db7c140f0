# Shared by every environment's root module (each environment folder links to this file).
# Providers are pinned to a minor series; the exact versions are in each environment's
# .terraform.lock.hcl, which is committed (README: lock file policy).

terraform {
  required_version = ">= 1.10, < 2.0"

  required_providers {
    digitalocean = {
      source  = "digitalocean/digitalocean"
      version = "~> 2.99"
    }
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "~> 2.38"
    }
    helm = {
      source  = "hashicorp/helm"
      version = "~> 3.1"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.7"
    }
  }
}
