# One environment of the platform, from nothing: the modules wired together. Each environment
# folder (terraform/environments/<env>) calls this with its sizes, its state backend and its
# providers; everything that differs between environments is an argument here.

locals {
  name = "todo-${var.environment}"
  # The environment's tag first (the modules check it), then the product's.
  tags = [var.environment, "evolution-of-todo"]
  # Where the functions run and read their Secret (knative/base/platform/namespace.yaml).
  namespace   = "todo"
  secret_name = "todo-secrets"
  # DigitalOcean projects group an environment's resources in the console and the API.
  project_environment = {
    dev     = "Development"
    staging = "Staging"
    prod    = "Production"
  }
  # The topic catalog in code, rendered by `todo topics render --env production --format json`
  # (make manifests); only a managed Kafka needs it, Strimzi takes knative/kafka/*/topics.yaml.
  kafka_topics = jsondecode(file("${path.module}/kafka-topics.json"))
}

data "digitalocean_container_registry" "this" {
  name = var.registry_name
}

module "network" {
  source = "../network"

  name        = local.name
  environment = var.environment
  region      = var.region
  ip_range    = var.vpc_ip_range
}

module "cluster" {
  source = "../cluster"

  name                            = local.name
  region                          = var.region
  vpc_id                          = module.network.vpc_id
  kubernetes_version_prefix       = var.cluster.kubernetes_version_prefix
  high_availability               = var.cluster.high_availability
  auto_upgrade                    = var.cluster.auto_upgrade
  maintenance_window              = var.cluster.maintenance_window
  control_plane_allowed_addresses = var.cluster.control_plane_allowed_addresses
  system_pool                     = var.cluster.system_pool
  services_pool                   = var.cluster.services_pool
  kafka_pool                      = var.cluster.kafka_pool
  analytics_pool                  = var.cluster.analytics_pool
  node_tag                        = module.network.node_tag
  tags                            = local.tags
  destroy_associated_resources    = var.environment == "dev"
}

module "database" {
  source = "../database"

  name                  = local.name
  region                = var.region
  vpc_id                = module.network.vpc_id
  kubernetes_cluster_id = module.cluster.id
  tags                  = local.tags
  maintenance_window    = var.databases.maintenance_window
  postgres              = var.databases.postgres
  valkey                = var.databases.valkey
  kafka                 = var.databases.kafka
  kafka_topics          = local.kafka_topics
}

module "storage" {
  source = "../storage"

  environment                   = var.environment
  bucket_prefix                 = var.bucket_prefix
  region                        = var.region
  archive_retention_days        = var.storage.archive_retention_days
  backup_version_retention_days = var.storage.backup_version_retention_days
  force_destroy                 = var.storage.force_destroy
}

module "addons" {
  source = "../addons"

  environment            = var.environment
  functions_namespace    = local.namespace
  kafka_in_cluster       = var.databases.kafka == null
  acme_email             = var.addons.acme_email
  dns_api_token          = var.dns_api_token
  metrics_retention_days = var.addons.metrics_retention_days
  logs_retention_days    = var.addons.logs_retention_days
  chaos_mesh             = var.addons.chaos_mesh
  database_url           = module.database.database_url

  # Strimzi's RoleBindings go into the functions' namespace, which platform_secrets creates.
  depends_on = [module.cluster, module.platform_secrets]
}

module "platform_secrets" {
  source = "../platform-secrets"

  environment          = var.environment
  namespace            = local.namespace
  secret_name          = local.secret_name
  database_url         = module.database.database_url
  session_store_url    = module.database.session_store_url
  session_store_ca_pem = module.database.session_store_ca_pem
  kafka_sasl_password  = try(module.database.kafka.password, null)
  llm_api_key          = var.llm_api_key
  oidc_client_secret   = var.oidc_client_secret
  object_store = {
    archive_bucket    = module.storage.archive_bucket
    backups_bucket    = module.storage.backups_bucket
    endpoint          = module.storage.endpoint
    region            = module.storage.region
    access_key_id     = module.storage.access_key_id
    secret_access_key = module.storage.secret_access_key
  }

  depends_on = [module.cluster]
}

resource "digitalocean_project" "this" {
  name        = "evolution-of-todo-${var.environment}"
  description = "Evolution of Todo, ${var.environment}: cluster, databases and buckets."
  purpose     = "Web Application"
  environment = local.project_environment[var.environment]
}

resource "digitalocean_project_resources" "this" {
  project   = digitalocean_project.this.id
  resources = concat([module.cluster.urn], module.database.urns, module.storage.bucket_urns)
}
