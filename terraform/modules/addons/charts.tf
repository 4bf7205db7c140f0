# Every add-on's chart, repository and pinned version, in one place: an upgrade is a one-line
# change here, reviewed in a plan. Versions are the releases the platform was written against
# (Knative 1.23, KEDA 2.20, Strimzi 1.2 with the kafka.strimzi.io/v1 API, cert-manager 1.21,
# Contour 1.33, Chaos Mesh 2.8); the CRD schemas the manifests are validated with are from the same releases.

locals {
  charts = {
    contour = {
      repository = "https://projectcontour.github.io/helm-charts/"
      chart      = "contour"
      version    = "0.7.0" # Contour 1.33.6
    }
    knative_operator = {
      repository = "https://knative.github.io/operator"
      chart      = "knative-operator"
      version    = "v1.23.0"
    }
    keda = {
      repository = "https://kedacore.github.io/charts"
      chart      = "keda"
      version    = "2.20.2"
    }
    strimzi = {
      repository = "oci://quay.io/strimzi-helm"
      chart      = "strimzi-kafka-operator"
      version    = "1.2.0"
    }
    cert_manager = {
      repository = "https://charts.jetstack.io"
      chart      = "cert-manager"
      version    = "v1.21.1"
    }
    prometheus_stack = {
      repository = "https://prometheus-community.github.io/helm-charts"
      chart      = "kube-prometheus-stack"
      version    = "88.5.3" # Prometheus operator 0.93.1, Grafana 12.11
    }
    loki = {
      repository = "https://grafana-community.github.io/helm-charts"
      chart      = "loki"
      version    = "18.11.0" # Loki 3.7.6
    }
    jaeger = {
      repository = "https://jaegertracing.github.io/helm-charts"
      chart      = "jaeger"
      version    = "4.11.1" # Jaeger 2.19, all-in-one
    }
    alloy = {
      repository = "https://grafana.github.io/helm-charts"
      chart      = "alloy"
      version    = "1.11.1" # Alloy 1.18
    }
    kafka_exporter = {
      repository = "https://prometheus-community.github.io/helm-charts"
      chart      = "prometheus-kafka-exporter"
      version    = "3.1.1"
    }
    postgres_exporter = {
      repository = "https://prometheus-community.github.io/helm-charts"
      chart      = "prometheus-postgres-exporter"
      version    = "8.2.0"
    }
    chaos_mesh = {
      repository = "https://charts.chaos-mesh.org"
      chart      = "chaos-mesh"
      version    = "2.8.2"
    }
    otel_collector = {
      repository = "https://open-telemetry.github.io/opentelemetry-helm-charts"
      chart      = "opentelemetry-collector"
      version    = "0.170.0" # collector 0.158.0
    }
  }

  # The Knative release the operator installs (it bundles 1.20 to 1.23).
  knative_version = "1.23"

  # Control planes run two replicas where an outage matters.
  replicas = var.environment == "dev" ? 1 : 2
}
