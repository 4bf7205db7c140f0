# prod: highly available everywhere. Control plane HA, PostgreSQL with two standby nodes,
# Valkey with a standby, Kafka on three dedicated, tainted nodes (three controllers and three
# brokers, replication 3, min ISR 2), services autoscaled from 3 to 10 nodes and analytics on
# its own pool. The archive keeps a year (the audit trail's retention); nothing is destroyable
# with its data.

module "platform" {
  source = "../../modules/platform"

  environment        = "prod"
  region             = "fra1"
  vpc_ip_range       = "10.130.0.0/20"
  registry_name      = "evolution-of-todo"
  bucket_prefix      = "evolution-of-todo"
  dns_api_token      = var.dns_api_token
  llm_api_key        = var.llm_api_key
  oidc_client_secret = var.oidc_client_secret

  cluster = {
    kubernetes_version_prefix       = "1.36."
    high_availability               = true
    auto_upgrade                    = true
    maintenance_window              = { day = "thursday", start_time = "03:00" }
    control_plane_allowed_addresses = []
    system_pool                     = { size = "s-4vcpu-8gb", node_count = 3 }
    services_pool                   = { size = "s-4vcpu-8gb", min_nodes = 3, max_nodes = 10 }
    kafka_pool                      = { size = "s-4vcpu-8gb", node_count = 3 }
    analytics_pool                  = { size = "s-4vcpu-8gb", min_nodes = 1, max_nodes = 3 }
  }

  databases = {
    maintenance_window = { day = "thursday", hour = "02:00" }
    postgres           = { version = "17", size = "db-s-4vcpu-8gb", node_count = 3, pool_size = 150 }
    valkey             = { version = "8", size = "db-s-2vcpu-4gb", node_count = 2 }
  }

  storage = {
    archive_retention_days        = 365
    backup_version_retention_days = 30
    force_destroy                 = false
  }

  addons = {
    acme_email             = "ops@example.com"
    metrics_retention_days = 30
    logs_retention_days    = 30
  }
}
