# Chaos Mesh runs the weekly game day (knative/chaos: its Schedules, and the one-off experiments in
# knative/chaos/experiments), only where var.chaos_mesh says so: staging, production's shape.
# Production never gets it, so no experiment applied there by mistake can run. Its objects live in
# its own namespace and pick the platform's pods by namespace and labels.

resource "helm_release" "chaos_mesh" {
  count = var.chaos_mesh ? 1 : 0

  name             = "chaos-mesh"
  namespace        = "chaos-mesh"
  create_namespace = true
  repository       = local.charts.chaos_mesh.repository
  chart            = local.charts.chaos_mesh.chart
  version          = local.charts.chaos_mesh.version
  wait             = true

  values = [yamlencode({
    controllerManager = {
      replicaCount = local.replicas
      # Experiments may target only namespaces annotated chaos-mesh.org/inject=enabled: the
      # functions' namespace in staging (knative/overlays/staging), never the add-ons'.
      enableFilterNamespace = true
    }
    chaosDaemon = {
      # DigitalOcean Kubernetes runs containerd.
      runtime    = "containerd"
      socketPath = "/run/containerd/containerd.sock"
      # Network experiments against the brokers need a daemon on the tainted Kafka nodes too.
      tolerations = [{ operator = "Exists" }]
    }
    # The game day runs from Git (kubectl apply -k knative/chaos); no web UI to secure.
    dashboard = { create = false }
  })]
}
