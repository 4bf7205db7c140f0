variable "name" {
  description = "Prefix of every name this module gives, for example \"todo-dev\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "The environment: dev, staging or prod."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "region" {
  description = "DigitalOcean region slug, for example \"fra1\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{3}[0-9]$", var.region))
    error_message = "region must be a DigitalOcean region slug such as fra1, ams3 or nyc3."
  }
}

variable "ip_range" {
  description = "The VPC's private range (RFC 1918, /16 to /24, aligned). It must not overlap another VPC of the account, nor the cluster's pod and service subnets."
  type        = string

  validation {
    condition = (
      can(regex("^(10\\.|172\\.(1[6-9]|2[0-9]|3[01])\\.|192\\.168\\.)", var.ip_range)) &&
      try(cidrhost(var.ip_range, 0) == split("/", var.ip_range)[0], false) &&
      try(tonumber(split("/", var.ip_range)[1]) >= 16 && tonumber(split("/", var.ip_range)[1]) <= 24, false)
    )
    error_message = "ip_range must be an aligned private (RFC 1918) CIDR block between /16 and /24, for example 10.110.0.0/20."
  }
}
