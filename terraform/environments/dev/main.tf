# dev: the smallest platform that runs every function. One node pool besides the system one,
# no standby database, no control plane HA, Kafka on one Strimzi node in the services pool
# (knative/kafka/dev), functions scaled to zero (knative/overlays/dev). Destroyable at will.

module "platform" {
  source = "../../modules/platform"

  environment        = "dev"
  region             = "fra1"
  vpc_ip_range       = "10.110.0.0/20"
  registry_name      = "evolution-of-todo"
  bucket_prefix      = "evolution-of-todo"
  dns_api_token      = var.dns_api_token
  llm_api_key        = var.llm_api_key
  oidc_client_secret = var.oidc_client_secret

  cluster = {
    kubernetes_version_prefix       = "1.36."
    high_availability               = false
    auto_upgrade                    = true
    maintenance_window              = { day = "any", start_time = "03:00" }
    control_plane_allowed_addresses = []
    system_pool                     = { size = "s-2vcpu-4gb", node_count = 1 }
    services_pool                   = { size = "s-2vcpu-4gb", min_nodes = 1, max_nodes = 3 }
  }

  databases = {
    maintenance_window = { day = "sunday", hour = "02:00" }
    postgres           = { version = "17", size = "db-s-1vcpu-1gb", node_count = 1, pool_size = 15 }
    valkey             = { version = "8", size = "db-s-1vcpu-1gb", node_count = 1 }
  }

  storage = {
    archive_retention_days        = 30
    backup_version_retention_days = 7
    force_destroy                 = true
  }

  addons = {
    acme_email             = "ops@example.com"
    metrics_retention_days = 7
    logs_retention_days    = 7
  }
}
