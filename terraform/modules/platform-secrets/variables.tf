variable "environment" {
  description = "The environment: dev, staging or prod (a label on the namespace and the Secret)."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "namespace" {
  description = "Namespace of the functions; knative/ and keda/ deploy into it and read their Secret there."
  type        = string
}

variable "secret_name" {
  description = "Name of the Secret the functions read their secret settings from (secretKeyRef in knative/ and keda/)."
  type        = string
}

variable "database_url" {
  description = "The functions' DATABASE_URL (database module)."
  type        = string
  sensitive   = true
}

variable "session_store_url" {
  description = "session-api's SESSION_STORE, a rediss:// URL (database module)."
  type        = string
  sensitive   = true
}

variable "session_store_ca_pem" {
  description = "PEM of the CA that signs the session store's certificate (database module)."
  type        = string
}

variable "kafka_sasl_password" {
  description = "Password of the functions' SASL user on a managed Kafka; null where Kafka runs in the cluster without authentication."
  type        = string
  sensitive   = true
}

variable "llm_api_key" {
  description = "API key of chat-api's LLM provider; an empty string runs chat-api on its own language understanding alone."
  type        = string
  sensitive   = true
}

variable "oidc_client_secret" {
  description = "The web page's client secret at the identity provider, for a confidential client; an empty string for a public client (PKCE alone)."
  type        = string
  sensitive   = true
}

variable "object_store" {
  description = "The Spaces buckets and the key that can use them (storage module): archive and backup bucket names, endpoint, region and the key."
  type = object({
    archive_bucket    = string
    backups_bucket    = string
    endpoint          = string
    region            = string
    access_key_id     = string
    secret_access_key = string
  })
  sensitive = true
}
