# cert-manager issues and renews the public Gateway's certificate from Let's Encrypt (it watches
# Gateways: config.gatewayAPI), answering DNS-01 challenges through DigitalOcean's DNS with a
# token that can only edit DNS records. The ClusterIssuer is in charts/cluster-config.

resource "helm_release" "cert_manager" {
  name             = "cert-manager"
  namespace        = "cert-manager"
  create_namespace = true
  repository       = local.charts.cert_manager.repository
  chart            = local.charts.cert_manager.chart
  version          = local.charts.cert_manager.version
  wait             = true

  values = [yamlencode({
    crds         = { enabled = true, keep = true }
    replicaCount = local.replicas
    config = {
      apiVersion = "controller.config.cert-manager.io/v1alpha1"
      kind       = "ControllerConfiguration"
      gatewayAPI = { enabled = true }
    }
  })]

  # Its Gateway API support starts only when the Gateway API CRDs exist.
  depends_on = [helm_release.contour]
}

resource "kubernetes_secret_v1" "dns_token" {
  metadata {
    name      = "digitalocean-dns"
    namespace = helm_release.cert_manager.namespace
    labels = {
      "evolution-of-todo/environment" = var.environment
    }
  }

  type = "Opaque"
  data = {
    "access-token" = var.dns_api_token
  }
}
