# Shared by every environment's root module (each environment folder links to this file).
#
# DigitalOcean: the API token from DIGITALOCEAN_TOKEN, the Spaces key that manages buckets from
# SPACES_ACCESS_KEY_ID and SPACES_SECRET_ACCESS_KEY (make infra checks they are set). Kubernetes
# and Helm reach the cluster this configuration creates, with the short-lived token DigitalOcean
# issues for it; on the very first apply they wait for the cluster (make infra-apply applies the
# cluster first).

provider "digitalocean" {}

provider "kubernetes" {
  host                   = module.platform.kubernetes.host
  token                  = module.platform.kubernetes.token
  cluster_ca_certificate = module.platform.kubernetes.cluster_ca_certificate
}

provider "helm" {
  kubernetes = {
    host                   = module.platform.kubernetes.host
    token                  = module.platform.kubernetes.token
    cluster_ca_certificate = module.platform.kubernetes.cluster_ca_certificate
  }
}
