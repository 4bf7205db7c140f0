variable "name" {
  description = "Prefix of the database clusters' names, for example \"todo-dev\" (todo-dev-pg, todo-dev-valkey, todo-dev-kafka)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "region" {
  description = "Region of the clusters: the Kubernetes cluster's, so that they share its VPC."
  type        = string
}

variable "vpc_id" {
  description = "ID of the environment's VPC; the clusters get private addresses in it."
  type        = string
}

variable "kubernetes_cluster_id" {
  description = "ID of the Kubernetes cluster: the only trusted source of every database cluster."
  type        = string
}

variable "tags" {
  description = "Tags of every database cluster; the environment is the first."
  type        = list(string)

  validation {
    condition     = length(var.tags) > 0 && contains(["dev", "staging", "prod"], var.tags[0])
    error_message = "tags must start with the environment (dev, staging or prod)."
  }
}

variable "maintenance_window" {
  description = "Weekly maintenance window of the database clusters: a weekday and a UTC hour HH:MM."
  type = object({
    day  = string
    hour = string
  })

  validation {
    condition     = contains(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"], var.maintenance_window.day)
    error_message = "maintenance_window.day must be a lowercase weekday."
  }

  validation {
    condition     = can(regex("^([01][0-9]|2[0-3]):00$", var.maintenance_window.hour))
    error_message = "maintenance_window.hour must be a whole UTC hour HH:00."
  }
}

variable "postgres" {
  description = "Managed PostgreSQL: the tasks, history, outbox, notifier and analytics data. node_count 1 is a primary alone; 2 or 3 add standby nodes that take over on failure. pool_size is the PgBouncer pool's server connections (at most the plan's connection limit minus a few for administration)."
  type = object({
    version          = string
    size             = string
    node_count       = number
    storage_size_mib = optional(number)
    pool_size        = number
  })

  validation {
    condition     = contains(["15", "16", "17", "18"], var.postgres.version)
    error_message = "postgres.version must be 15, 16, 17 or 18 (the platform is tested on 15 and later)."
  }

  validation {
    condition     = var.postgres.node_count >= 1 && var.postgres.node_count <= 3
    error_message = "postgres.node_count must be 1 (primary only), 2 or 3 (with standby nodes)."
  }

  validation {
    condition     = var.postgres.pool_size >= 3 && var.postgres.pool_size <= 200
    error_message = "postgres.pool_size must be from 3 to 200 connections."
  }
}

variable "valkey" {
  description = "Managed Valkey (Redis protocol): the sessions, their history and their outbox. node_count 2 adds a standby."
  type = object({
    version    = string
    size       = string
    node_count = number
  })

  validation {
    condition     = var.valkey.node_count >= 1 && var.valkey.node_count <= 2
    error_message = "valkey.node_count must be 1 or 2 (with a standby)."
  }
}

variable "kafka" {
  description = "Managed Kafka, for an environment that does not run Kafka in the cluster (Strimzi); null when it does. DigitalOcean's Kafka always has 3 nodes."
  type = object({
    version = string
    size    = string
  })
  default = null
}

variable "kafka_topics" {
  description = "Topics to create on the managed Kafka: name => partitions, replication factor, min in-sync replicas and retention in ms. The platform module passes the catalog rendered from code (kafka-topics.json)."
  type = map(object({
    partitions          = number
    replication_factor  = number
    min_insync_replicas = number
    retention_ms        = number
  }))
  default = {}

  validation {
    condition     = alltrue([for t in values(var.kafka_topics) : t.replication_factor >= 2 && t.min_insync_replicas < t.replication_factor])
    error_message = "every managed Kafka topic needs replication_factor >= 2 and min_insync_replicas below it."
  }
}
