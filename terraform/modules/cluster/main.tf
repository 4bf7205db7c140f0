# The environment's DigitalOcean Kubernetes cluster and its node pools, each named and labelled by
# its role (label evolution-of-todo/role):
#
#   system     the default pool, fixed size: Knative, KEDA, cert-manager, Contour, observability
#   services   the functions, autoscaled (Knative and KEDA add pods, the autoscaler adds nodes)
#   kafka      optional: Strimzi's brokers and controllers, one per node, tainted so that
#              nothing else lands there (knative/kafka/prod tolerates the taint and requires
#              the label)
#   analytics  optional: room for the analytics read model, autoscaled apart from the APIs
#
# Upgrades: surge upgrades (new nodes before old ones drain), patch releases applied in the
# maintenance window when auto_upgrade is on.

locals {
  role_label = "evolution-of-todo/role"
  kafka_taint = {
    key    = local.role_label
    value  = "kafka"
    effect = "NoSchedule"
  }
  node_tags = distinct(concat(var.tags, [var.node_tag]))
}

data "digitalocean_kubernetes_versions" "this" {
  version_prefix = var.kubernetes_version_prefix
}

resource "digitalocean_kubernetes_cluster" "this" {
  name                 = var.name
  region               = var.region
  version              = data.digitalocean_kubernetes_versions.this.latest_version
  vpc_uuid             = var.vpc_id
  ha                   = var.high_availability
  auto_upgrade         = var.auto_upgrade
  surge_upgrade        = true
  registry_integration = true
  tags                 = var.tags

  destroy_all_associated_resources = var.destroy_associated_resources

  maintenance_policy {
    day        = var.maintenance_window.day
    start_time = var.maintenance_window.start_time
  }

  control_plane_firewall {
    enabled           = length(var.control_plane_allowed_addresses) > 0
    allowed_addresses = var.control_plane_allowed_addresses
  }

  cluster_autoscaler_configuration {
    scale_down_utilization_threshold = 0.5
    scale_down_unneeded_time         = "10m"
  }

  node_pool {
    name       = "${var.name}-system"
    size       = var.system_pool.size
    node_count = var.system_pool.node_count
    tags       = local.node_tags
    labels = {
      (local.role_label) = "system"
    }
  }
}

resource "digitalocean_kubernetes_node_pool" "services" {
  cluster_id = digitalocean_kubernetes_cluster.this.id
  name       = "${var.name}-services"
  size       = var.services_pool.size
  auto_scale = true
  min_nodes  = var.services_pool.min_nodes
  max_nodes  = var.services_pool.max_nodes
  tags       = local.node_tags
  labels = {
    (local.role_label) = "services"
  }
}

resource "digitalocean_kubernetes_node_pool" "kafka" {
  count = var.kafka_pool == null ? 0 : 1

  cluster_id = digitalocean_kubernetes_cluster.this.id
  name       = "${var.name}-kafka"
  size       = var.kafka_pool.size
  node_count = var.kafka_pool.node_count
  tags       = local.node_tags
  labels = {
    (local.role_label) = "kafka"
  }

  taint {
    key    = local.kafka_taint.key
    value  = local.kafka_taint.value
    effect = local.kafka_taint.effect
  }
}

resource "digitalocean_kubernetes_node_pool" "analytics" {
  count = var.analytics_pool == null ? 0 : 1

  cluster_id = digitalocean_kubernetes_cluster.this.id
  name       = "${var.name}-analytics"
  size       = var.analytics_pool.size
  auto_scale = true
  min_nodes  = var.analytics_pool.min_nodes
  max_nodes  = var.analytics_pool.max_nodes
  tags       = local.node_tags
  labels = {
    (local.role_label) = "analytics"
  }
}
