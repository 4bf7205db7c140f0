# Two Contours (Envoy), with different jobs:
#
#  - "contour" in namespace projectcontour serves the public Gateway todo/todo-gateway (Gateway
#    API, static provisioning: knative/base/platform/gateway.yaml) behind a DigitalOcean load
#    balancer. Its routes point at Knative's ExternalName Services, so it must follow them
#    (enableExternalNameService). It also installs the Gateway API CRDs, at the version Contour
#    1.33 is tested with.
#  - "contour-internal" is Knative's local gateway (net-contour, ingress class
#    contour-internal): every function is cluster-local and is reached through it. Its Envoy has
#    no load balancer.

resource "helm_release" "contour" {
  name             = "contour"
  namespace        = "projectcontour"
  create_namespace = true
  repository       = local.charts.contour.repository
  chart            = local.charts.contour.chart
  version          = local.charts.contour.version
  wait             = true

  values = [yamlencode({
    gatewayAPI = { manageCRDs = true }
    contour = {
      manageCRDs   = true
      replicaCount = local.replicas
      ingressClass = { create = false }
    }
    configInline = {
      gateway = {
        gatewayRef = { namespace = var.functions_namespace, name = "todo-gateway" }
      }
      enableExternalNameService = true
    }
    envoy = {
      kind         = "deployment"
      replicaCount = local.replicas
      service = {
        type                  = "LoadBalancer"
        externalTrafficPolicy = "Local"
      }
    }
  })]
}

resource "helm_release" "contour_internal" {
  name             = "contour-internal"
  namespace        = "contour-internal"
  create_namespace = true
  repository       = local.charts.contour.repository
  chart            = local.charts.contour.chart
  version          = local.charts.contour.version
  wait             = true

  values = [yamlencode({
    # The CRDs belong to the public release above; a name of its own for its cluster-wide RBAC.
    fullnameOverride = "contour-internal"
    gatewayAPI       = { manageCRDs = false }
    contour = {
      manageCRDs   = false
      replicaCount = local.replicas
      ingressClass = { name = "contour-internal", create = true, default = false }
    }
    envoy = {
      kind         = "deployment"
      replicaCount = local.replicas
      service      = { type = "ClusterIP" }
    }
  })]

  depends_on = [helm_release.contour]
}
