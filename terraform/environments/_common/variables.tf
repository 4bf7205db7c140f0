# Shared by every environment's root module (each environment folder links to this file). The
# secrets an operator supplies, never stored in the repository: pass them as TF_VAR_<name> in the
# environment (make infra reads them from DNS_API_TOKEN, LLM_API_KEY and OIDC_CLIENT_SECRET).

variable "dns_api_token" {
  description = "DigitalOcean API token with write access to the domain's DNS records only, for cert-manager's DNS-01 challenges."
  type        = string
  sensitive   = true
  nullable    = false
}

variable "oidc_client_secret" {
  description = "The web page's client secret at the identity provider (a confidential client); empty for a public client with PKCE alone."
  type        = string
  sensitive   = true
  nullable    = false
}

variable "llm_api_key" {
  description = "API key of chat-api's LLM provider; an empty string runs chat-api on its own language understanding."
  type        = string
  sensitive   = true
  nullable    = false
}
