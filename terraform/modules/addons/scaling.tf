# KEDA scales the Kafka consumers on their lag (the KafkaSources' dispatchers through Knative
# Eventing's KEDA support, and the keda/ variant's Deployments), and Strimzi runs the in-cluster
# Kafka where the environment has no managed one.

resource "helm_release" "keda" {
  name             = "keda"
  namespace        = "keda"
  create_namespace = true
  repository       = local.charts.keda.repository
  chart            = local.charts.keda.chart
  version          = local.charts.keda.version
  wait             = true

  values = [yamlencode({
    operator = { replicaCount = local.replicas }
    prometheus = {
      operator     = { enabled = true }
      metricServer = { enabled = true }
    }
  })]
}

resource "helm_release" "strimzi" {
  count = var.kafka_in_cluster ? 1 : 0

  name             = "strimzi"
  namespace        = "strimzi"
  create_namespace = true
  repository       = local.charts.strimzi.repository
  chart            = local.charts.strimzi.chart
  version          = local.charts.strimzi.version
  wait             = true

  values = [yamlencode({
    # Only the functions' namespace: the Kafka cluster, its node pools and topics live there.
    watchNamespaces = [var.functions_namespace]
    # The namespace enforces the restricted Pod Security standard; the Kafka pods must meet it.
    extraEnvs = [{ name = "STRIMZI_POD_SECURITY_PROVIDER_CLASS", value = "restricted" }]
  })]
}
