# The Kubernetes Secret every function reads its secret settings from, filled from the other
# modules' outputs: the repository names the Secret and its keys, never a value. The keys are the
# ones knative/ and keda/ read with secretKeyRef (tests/tests/deploy/terraform.rs checks both
# sides). The namespace is created here so that the Secret exists before the first deploy;
# knative/base/platform/namespace.yaml owns its labels (Pod Security) from then on.

resource "kubernetes_namespace_v1" "functions" {
  metadata {
    name = var.namespace
    labels = {
      "app.kubernetes.io/part-of"          = "evolution-of-todo"
      "evolution-of-todo/environment"      = var.environment
      "pod-security.kubernetes.io/enforce" = "restricted"
    }
  }

  lifecycle {
    # kubectl apply of knative/ or keda/ sets the namespace's labels and annotations too.
    ignore_changes = [metadata[0].labels, metadata[0].annotations]
  }
}

# The key that signs and checks the functions' bearer tokens (HS256): 64 random characters,
# kept in the state only, rotated by tainting this resource.
resource "random_password" "auth_jwt_secret" {
  length  = 64
  special = false
}

# The bearer token aiops takes from Alertmanager's webhook and KEDA's metrics-api scaler
# (AIOPS_WEBHOOK_TOKEN): 64 random characters, rotated like the JWT secret. Alertmanager's webhook
# receiver for aiops must send the same value as its bearer credentials.
resource "random_password" "aiops_webhook_token" {
  length  = 64
  special = false
}

locals {
  # s3://bucket?endpoint=...&region=...: the object store URL form of the archiver and backup.
  store_url = {
    for name, bucket in {
      archive = var.object_store.archive_bucket
      backups = var.object_store.backups_bucket
    } : name => "s3://${bucket}?endpoint=${urlencode(var.object_store.endpoint)}&region=${var.object_store.region}"
  }

  secret_data = merge(
    {
      "database-url"             = var.database_url
      "session-store-url"        = var.session_store_url
      "session-store-ca-pem"     = var.session_store_ca_pem
      "auth-jwt-secret"          = random_password.auth_jwt_secret.result
      "aiops-webhook-token"      = random_password.aiops_webhook_token.result
      "archive-store-url"        = local.store_url.archive
      "backup-store-url"         = local.store_url.backups
      "spaces-access-key-id"     = var.object_store.access_key_id
      "spaces-secret-access-key" = var.object_store.secret_access_key
    },
    # Optional keys are left out rather than set empty: the manifests mark them optional.
    var.llm_api_key == "" ? {} : { "llm-api-key" = var.llm_api_key },
    var.oidc_client_secret == "" ? {} : { "oidc-client-secret" = var.oidc_client_secret },
    var.kafka_sasl_password == null ? {} : { "kafka-sasl-password" = var.kafka_sasl_password },
  )
}

resource "kubernetes_secret_v1" "functions" {
  metadata {
    name      = var.secret_name
    namespace = kubernetes_namespace_v1.functions.metadata[0].name
    labels = {
      "app.kubernetes.io/part-of"     = "evolution-of-todo"
      "app.kubernetes.io/managed-by"  = "terraform"
      "evolution-of-todo/environment" = var.environment
    }
  }

  type = "Opaque"
  data = local.secret_data
}
