variable "name" {
  description = "Name of the cluster, for example \"todo-dev\"; node pools are named <name>-<role>."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "region" {
  description = "DigitalOcean region of the cluster (the VPC's region)."
  type        = string
}

variable "vpc_id" {
  description = "ID of the VPC the nodes and load balancers live in (network module)."
  type        = string
}

variable "kubernetes_version_prefix" {
  description = "Kubernetes minor version to run, as a prefix such as \"1.34.\": the newest patch release of it is used, and auto-upgrade keeps up with later patches."
  type        = string

  validation {
    condition     = can(regex("^1\\.[0-9]+\\.$", var.kubernetes_version_prefix))
    error_message = "kubernetes_version_prefix must look like \"1.34.\" (a minor version and a trailing dot)."
  }
}

variable "high_availability" {
  description = "Whether the control plane is highly available (several API servers). It cannot be switched off again once on."
  type        = bool
}

variable "auto_upgrade" {
  description = "Whether DigitalOcean applies new patch releases in the maintenance window."
  type        = bool
}

variable "maintenance_window" {
  description = "When upgrades may run: a weekday (or \"any\") and a UTC start time HH:MM. Staging's comes before production's, so that a patch release runs in staging first."
  type = object({
    day        = string
    start_time = string
  })

  validation {
    condition     = contains(["any", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"], var.maintenance_window.day)
    error_message = "maintenance_window.day must be a lowercase weekday or \"any\"."
  }

  validation {
    condition     = can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]$", var.maintenance_window.start_time))
    error_message = "maintenance_window.start_time must be a UTC time HH:MM."
  }
}

variable "control_plane_allowed_addresses" {
  description = "Addresses (CIDR) that may reach the Kubernetes API, for example the operators' and the CI's. Empty: the control plane's firewall is off and the API is reachable from anywhere (with credentials)."
  type        = list(string)

  validation {
    condition     = alltrue([for cidr in var.control_plane_allowed_addresses : can(cidrnetmask(cidr))])
    error_message = "control_plane_allowed_addresses must be IPv4 CIDR blocks such as 203.0.113.4/32."
  }
}

variable "system_pool" {
  description = "The default pool: cluster add-ons (Knative, KEDA, cert-manager, Contour, observability). A fixed number of nodes. Changing its size replaces the whole cluster, so choose it once."
  type = object({
    size       = string
    node_count = number
  })

  validation {
    condition     = var.system_pool.node_count >= 1 && var.system_pool.node_count <= 10
    error_message = "system_pool.node_count must be from 1 to 10."
  }
}

variable "services_pool" {
  description = "The functions' pool, scaled by the cluster autoscaler between min_nodes and max_nodes as Knative and KEDA add pods."
  type = object({
    size      = string
    min_nodes = number
    max_nodes = number
  })

  validation {
    condition     = var.services_pool.min_nodes >= 1 && var.services_pool.min_nodes <= var.services_pool.max_nodes && var.services_pool.max_nodes <= 50
    error_message = "services_pool needs 1 <= min_nodes <= max_nodes <= 50 (DOKS autoscales a pool down to one node, not zero)."
  }
}

variable "kafka_pool" {
  description = "Dedicated, tainted nodes for the in-cluster Kafka (Strimzi), one broker per node; null when Kafka shares the services pool (dev) or is managed."
  type = object({
    size       = string
    node_count = number
  })
  default = null

  validation {
    condition     = var.kafka_pool == null ? true : var.kafka_pool.node_count >= 3
    error_message = "kafka_pool.node_count must be at least 3: one node per broker, replication factor 3."
  }
}

variable "analytics_pool" {
  description = "Nodes labelled for the analytics read model, scaled between min_nodes and max_nodes; null to run analytics on the services pool."
  type = object({
    size      = string
    min_nodes = number
    max_nodes = number
  })
  default = null

  validation {
    condition     = var.analytics_pool == null ? true : (var.analytics_pool.min_nodes >= 1 && var.analytics_pool.min_nodes <= var.analytics_pool.max_nodes)
    error_message = "analytics_pool needs 1 <= min_nodes <= max_nodes (DOKS autoscales a pool down to one node, not zero)."
  }
}

variable "node_tag" {
  description = "Tag every node carries, so that the nodes' firewall (network module) applies to it."
  type        = string
}

variable "tags" {
  description = "Tags of the cluster and its nodes; the environment is the first."
  type        = list(string)

  validation {
    condition     = length(var.tags) > 0 && contains(["dev", "staging", "prod"], var.tags[0])
    error_message = "tags must start with the environment (dev, staging or prod)."
  }
}

variable "destroy_associated_resources" {
  description = "Whether destroying the cluster also destroys the load balancers and volumes Kubernetes created (the Kafka brokers' disks among them). Only for throw-away environments."
  type        = bool
}
