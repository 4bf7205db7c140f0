# Knative Serving (with net-contour on the internal Contour) and Knative Eventing (with the
# KafkaSource), installed by the Knative Operator. The KnativeServing and KnativeEventing
# resources, the public GatewayClass and the ClusterIssuer come from the local chart
# charts/cluster-config, so that a plan does not need their CRDs to exist yet.

resource "helm_release" "knative_operator" {
  name             = "knative-operator"
  namespace        = "knative-operator"
  create_namespace = true
  repository       = local.charts.knative_operator.repository
  chart            = local.charts.knative_operator.chart
  version          = local.charts.knative_operator.version
  wait             = true
}

resource "kubernetes_namespace_v1" "knative" {
  for_each = toset(["knative-serving", "knative-eventing"])

  metadata {
    name = each.key
    labels = {
      "evolution-of-todo/environment" = var.environment
    }
  }
}

resource "helm_release" "cluster_config" {
  name      = "cluster-config"
  namespace = "knative-operator"
  chart     = "${path.module}/charts/cluster-config"
  wait      = true

  values = [yamlencode({
    knativeVersion = local.knative_version
    replicas       = local.replicas
    acmeEmail      = var.acme_email
  })]

  depends_on = [
    helm_release.knative_operator,
    helm_release.contour,
    helm_release.contour_internal,
    helm_release.cert_manager,
    kubernetes_namespace_v1.knative,
    kubernetes_secret_v1.dns_token,
  ]
}
