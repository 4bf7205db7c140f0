# staging: production's shape at a smaller size, so that upgrades and releases run here first.
# Control plane HA, a standby database, Kafka on three tainted nodes (knative/kafka/prod), patch
# releases on Tuesdays (production's come on Thursdays). Chaos Mesh runs the weekly game day here
# (knative/chaos).

module "platform" {
  source = "../../modules/platform"

  environment        = "staging"
  region             = "fra1"
  vpc_ip_range       = "10.120.0.0/20"
  registry_name      = "evolution-of-todo"
  bucket_prefix      = "evolution-of-todo"
  dns_api_token      = var.dns_api_token
  llm_api_key        = var.llm_api_key
  oidc_client_secret = var.oidc_client_secret

  cluster = {
    kubernetes_version_prefix       = "1.36."
    high_availability               = true
    auto_upgrade                    = true
    maintenance_window              = { day = "tuesday", start_time = "03:00" }
    control_plane_allowed_addresses = []
    system_pool                     = { size = "s-4vcpu-8gb", node_count = 2 }
    services_pool                   = { size = "s-4vcpu-8gb", min_nodes = 3, max_nodes = 6 }
    kafka_pool                      = { size = "s-4vcpu-8gb", node_count = 3 }
  }

  databases = {
    maintenance_window = { day = "tuesday", hour = "02:00" }
    postgres           = { version = "17", size = "db-s-2vcpu-4gb", node_count = 2, pool_size = 60 }
    valkey             = { version = "8", size = "db-s-1vcpu-2gb", node_count = 2 }
  }

  storage = {
    archive_retention_days        = 90
    backup_version_retention_days = 14
    force_destroy                 = false
  }

  addons = {
    acme_email             = "ops@example.com"
    metrics_retention_days = 15
    logs_retention_days    = 15
    chaos_mesh             = true
  }
}
