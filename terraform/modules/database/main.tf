# The managed data services of an environment, reachable only from its Kubernetes cluster:
#
#   PostgreSQL  database "todo" for user "todo", reached through a PgBouncer pool
#   Valkey      the session store (Redis protocol, TLS)
#   Kafka       only where the environment does not run Strimzi in the cluster
#
# Every cluster lives in the VPC, is tagged with the environment and trusts exactly one source:
# the Kubernetes cluster (firewall rule type k8s), so no address outside it can even connect.

locals {
  kafka_topics = var.kafka == null ? {} : var.kafka_topics
}

# --- PostgreSQL ---------------------------------------------------------------------------------

resource "digitalocean_database_cluster" "postgres" {
  name                 = "${var.name}-pg"
  engine               = "pg"
  version              = var.postgres.version
  size                 = var.postgres.size
  node_count           = var.postgres.node_count
  storage_size_mib     = var.postgres.storage_size_mib
  region               = var.region
  private_network_uuid = var.vpc_id
  tags                 = var.tags

  maintenance_window {
    day  = var.maintenance_window.day
    hour = var.maintenance_window.hour
  }
}

resource "digitalocean_database_db" "todo" {
  cluster_id = digitalocean_database_cluster.postgres.id
  name       = "todo"
}

# The functions' own user, not doadmin: its password rotates apart from the admin's.
resource "digitalocean_database_user" "todo" {
  cluster_id = digitalocean_database_cluster.postgres.id
  name       = "todo"
}

# Session mode: the functions hold session state on their connections (LISTEN for new outbox
# rows and list versions, the relay's session-level advisory lock, sqlx's prepared statements),
# which transaction pooling would break. The pool still caps the server connections at
# pool_size however many pods Knative starts: a burst waits for a connection instead of being
# refused with "too many clients".
resource "digitalocean_database_connection_pool" "todo" {
  cluster_id = digitalocean_database_cluster.postgres.id
  name       = "todo"
  mode       = "session"
  size       = var.postgres.pool_size
  db_name    = digitalocean_database_db.todo.name
  user       = digitalocean_database_user.todo.name
}

# --- Valkey (sessions) --------------------------------------------------------------------------

resource "digitalocean_database_cluster" "valkey" {
  name                 = "${var.name}-valkey"
  engine               = "valkey"
  version              = var.valkey.version
  size                 = var.valkey.size
  node_count           = var.valkey.node_count
  region               = var.region
  private_network_uuid = var.vpc_id
  tags                 = var.tags

  maintenance_window {
    day  = var.maintenance_window.day
    hour = var.maintenance_window.hour
  }
}

# noeviction: the session store also holds the session events' outbox, and an evicted outbox
# entry would be an event lost without a trace. Sessions expire by their own TTL; when memory is
# full a write fails (and the client retries) rather than silently dropping data.
resource "digitalocean_database_valkey_config" "valkey" {
  cluster_id              = digitalocean_database_cluster.valkey.id
  valkey_maxmemory_policy = "noeviction"
  ssl                     = true
  # Sessions must survive a restart of the node: RDB dumps every 10 minutes at most.
  persistence = "rdb"
}

# The CA that signs the Valkey cluster's certificate: not a public one, so session-api verifies
# the store with it (SESSION_STORE_CA_PEM). PostgreSQL is reached with sslmode=require.
data "digitalocean_database_ca" "valkey" {
  cluster_id = digitalocean_database_cluster.valkey.id
}

# --- Kafka (managed, where used) ----------------------------------------------------------------

resource "digitalocean_database_cluster" "kafka" {
  count = var.kafka == null ? 0 : 1

  name                 = "${var.name}-kafka"
  engine               = "kafka"
  version              = var.kafka.version
  size                 = var.kafka.size
  node_count           = 3
  region               = var.region
  private_network_uuid = var.vpc_id
  tags                 = var.tags

  maintenance_window {
    day  = var.maintenance_window.day
    hour = var.maintenance_window.hour
  }
}

# The topics of the catalog in code. DigitalOcean's minimum is 3 partitions, so the
# single-partition topics (dead-letter, ops-events) get 3: none of them relies on one order.
resource "digitalocean_database_kafka_topic" "catalog" {
  for_each = local.kafka_topics

  cluster_id         = digitalocean_database_cluster.kafka[0].id
  name               = each.key
  partition_count    = max(3, each.value.partitions)
  replication_factor = each.value.replication_factor

  config {
    cleanup_policy      = "delete"
    retention_ms        = tostring(each.value.retention_ms)
    min_insync_replicas = each.value.min_insync_replicas
  }
}

# The functions' SASL user: produce and consume on the catalog's topics, no administration.
resource "digitalocean_database_user" "kafka" {
  count = var.kafka == null ? 0 : 1

  cluster_id = digitalocean_database_cluster.kafka[0].id
  name       = "todo-functions"

  settings {
    dynamic "acl" {
      for_each = local.kafka_topics
      content {
        topic      = acl.key
        permission = "produceconsume"
      }
    }
  }
}

# --- Who may connect ----------------------------------------------------------------------------

# Every cluster trusts one source: the Kubernetes cluster. The keys are known at plan time (the
# managed Kafka's only where the environment has one); the cluster ids come with the apply.
resource "digitalocean_database_firewall" "trusted" {
  for_each = merge(
    {
      postgres = digitalocean_database_cluster.postgres.id
      valkey   = digitalocean_database_cluster.valkey.id
    },
    var.kafka == null ? {} : { kafka = digitalocean_database_cluster.kafka[0].id },
  )

  cluster_id = each.value

  rule {
    type  = "k8s"
    value = var.kubernetes_cluster_id
  }
}
