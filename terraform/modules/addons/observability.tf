# The observability stack in namespace observability, configured from the repository's own
# observability/ files (the ones tests/tests/observability checks with real tools), so that the
# cluster runs exactly what is tested:
#
#   OpenTelemetry Collector  otel-collector:4318, observability/otel-collector/config.yaml
#   Jaeger (all-in-one)      jaeger-collector:4317, where the collector sends traces
#   Prometheus, Alertmanager kube-prometheus-stack, with observability/prometheus/rules/*.yml,
#   and Grafana              observability/alertmanager/alertmanager.yml, the scrape jobs of
#                            observability/prometheus/prometheus.yml that the stack does not
#                            already cover, and the dashboards of observability/grafana/dashboards
#   Loki and Alloy           logs: observability/loki/config.alloy ships every pod's JSON lines
#   exporters                kafka-exporter:9308 (in-cluster Kafka only), postgres-exporter:9187

locals {
  observability = "${path.module}/../../../observability"

  prometheus_config = yamldecode(file("${local.observability}/prometheus/prometheus.yml"))
  # The stack scrapes itself, the kubelet, cAdvisor, node-exporter and kube-state-metrics with its
  # own ServiceMonitors; the other jobs of prometheus.yml are added as they are.
  covered_by_stack = ["prometheus", "kube-state-metrics", "node-exporter", "kubelet", "cadvisor"]
  scrape_configs = [
    for job in local.prometheus_config.scrape_configs : job
    if !contains(local.covered_by_stack, job.job_name) && (var.kafka_in_cluster || job.job_name != "kafka-exporter")
  ]

  rule_files = fileset("${local.observability}/prometheus/rules", "*.yml")
  dashboards = fileset("${local.observability}/grafana/dashboards", "*.json")

  kafka_bootstrap = "todo-kafka-kafka-bootstrap.${var.functions_namespace}.svc:9092"
}

resource "kubernetes_namespace_v1" "observability" {
  metadata {
    name = "observability"
    labels = {
      "evolution-of-todo/environment" = var.environment
    }
  }
}

resource "helm_release" "otel_collector" {
  name       = "otel-collector"
  namespace  = kubernetes_namespace_v1.observability.metadata[0].name
  repository = local.charts.otel_collector.repository
  chart      = local.charts.otel_collector.chart
  version    = local.charts.otel_collector.version

  values = [yamlencode({
    fullnameOverride = "otel-collector"
    mode             = "deployment"
    replicaCount     = local.replicas
    image            = { repository = "otel/opentelemetry-collector-contrib" }
    extraEnvs        = [{ name = "DEPLOYMENT_ENVIRONMENT", value = var.environment }]
    config           = yamldecode(file("${local.observability}/otel-collector/config.yaml"))
    ports = {
      prometheus = { enabled = true, containerPort = 8889, servicePort = 8889, protocol = "TCP" }
    }
  })]
}

resource "helm_release" "jaeger" {
  name       = "jaeger-collector"
  namespace  = kubernetes_namespace_v1.observability.metadata[0].name
  repository = local.charts.jaeger.repository
  chart      = local.charts.jaeger.chart
  version    = local.charts.jaeger.version

  # The Service the collector's config sends traces to (jaeger-collector:4317).
  values = [yamlencode({ fullnameOverride = "jaeger-collector" })]
}

resource "helm_release" "prometheus_stack" {
  name       = "promstack"
  namespace  = kubernetes_namespace_v1.observability.metadata[0].name
  repository = local.charts.prometheus_stack.repository
  chart      = local.charts.prometheus_stack.chart
  version    = local.charts.prometheus_stack.version

  values = [yamlencode({
    additionalPrometheusRulesMap = {
      for file in local.rule_files :
      trimsuffix(file, ".yml") => yamldecode(file("${local.observability}/prometheus/rules/${file}"))
    }
    prometheus = {
      prometheusSpec = {
        retention               = "${var.metrics_retention_days}d"
        additionalScrapeConfigs = local.scrape_configs
        externalLabels          = { cluster = "todo-${var.environment}" }
      }
    }
    alertmanager = {
      config = yamldecode(file("${local.observability}/alertmanager/alertmanager.yml"))
      alertmanagerSpec = {
        # alertmanager.yml reads its receivers' secrets from files under
        # /etc/alertmanager/secrets/ (README: the Secret alertmanager-secrets).
        volumes = [{
          name   = "alertmanager-secrets"
          secret = { secretName = "alertmanager-secrets", optional = true }
        }]
        volumeMounts = [{
          name      = "alertmanager-secrets"
          mountPath = "/etc/alertmanager/secrets"
          readOnly  = true
        }]
      }
    }
    grafana = {
      additionalDataSources = [
        { name = "Loki", uid = "loki", type = "loki", access = "proxy", url = "http://loki.observability.svc:3100" },
        { name = "Jaeger", uid = "jaeger", type = "jaeger", access = "proxy", url = "http://jaeger-collector.observability.svc:16686" },
      ]
    }
  })]
}

# The name the repository's consumers of Prometheus use (KEDA's request-rate scalers in keda/,
# Grafana's provisioning): prometheus.observability:9090, for the stack's own Service.
resource "kubernetes_service_v1" "prometheus" {
  metadata {
    name      = "prometheus"
    namespace = kubernetes_namespace_v1.observability.metadata[0].name
    labels = {
      "evolution-of-todo/environment" = var.environment
    }
  }

  spec {
    type          = "ExternalName"
    external_name = "promstack-kube-prometheus-prometheus.observability.svc.cluster.local"

    port {
      name = "http"
      port = 9090
    }
  }
}

# The dashboards, found by Grafana's sidecar through their label.
resource "kubernetes_config_map_v1" "dashboards" {
  for_each = local.dashboards

  metadata {
    name      = "dashboard-${trimsuffix(each.key, ".json")}"
    namespace = kubernetes_namespace_v1.observability.metadata[0].name
    labels = {
      grafana_dashboard               = "1"
      "evolution-of-todo/environment" = var.environment
    }
  }

  data = {
    (each.key) = file("${local.observability}/grafana/dashboards/${each.key}")
  }
}

resource "helm_release" "loki" {
  name       = "loki"
  namespace  = kubernetes_namespace_v1.observability.metadata[0].name
  repository = local.charts.loki.repository
  chart      = local.charts.loki.chart
  version    = local.charts.loki.version

  values = [yamlencode({
    # The Service Alloy and Grafana use (loki:3100).
    fullnameOverride = "loki"
    deploymentMode   = "Monolithic"
    loki = {
      auth_enabled  = false
      commonConfig  = { replication_factor = 1 }
      storage       = { type = "filesystem" }
      useTestSchema = false
      schemaConfig = {
        configs = [{
          from         = "2026-01-01"
          store        = "tsdb"
          object_store = "filesystem"
          schema       = "v13"
          index        = { prefix = "index_", period = "24h" }
        }]
      }
      limits_config = { retention_period = "${var.logs_retention_days * 24}h" }
      compactor     = { retention_enabled = true, delete_request_store = "filesystem" }
    }
    singleBinary = { replicas = 1, persistence = { size = "20Gi" } }
    read         = { replicas = 0 }
    write        = { replicas = 0 }
    backend      = { replicas = 0 }
    chunksCache  = { enabled = false }
    resultsCache = { enabled = false }
    gateway      = { enabled = false }
    lokiCanary   = { enabled = false }
    test         = { enabled = false }
  })]
}

resource "helm_release" "alloy" {
  name       = "alloy"
  namespace  = kubernetes_namespace_v1.observability.metadata[0].name
  repository = local.charts.alloy.repository
  chart      = local.charts.alloy.chart
  version    = local.charts.alloy.version

  values = [yamlencode({
    controller = { type = "daemonset" }
    alloy = {
      mounts = { varlog = true }
      # The chart runs the content through Helm's tpl: literal {{ of the Alloy file are escaped.
      configMap = {
        content = replace(file("${local.observability}/loki/config.alloy"), "{{", "{{ \"{{\" }}")
      }
    }
  })]

  depends_on = [helm_release.loki]
}

resource "helm_release" "kafka_exporter" {
  count = var.kafka_in_cluster ? 1 : 0

  name       = "kafka-exporter"
  namespace  = kubernetes_namespace_v1.observability.metadata[0].name
  repository = local.charts.kafka_exporter.repository
  chart      = local.charts.kafka_exporter.chart
  version    = local.charts.kafka_exporter.version

  values = [yamlencode({
    fullnameOverride = "kafka-exporter"
    kafkaServer      = [local.kafka_bootstrap]
  })]
}

resource "helm_release" "postgres_exporter" {
  name       = "postgres-exporter"
  namespace  = kubernetes_namespace_v1.observability.metadata[0].name
  repository = local.charts.postgres_exporter.repository
  chart      = local.charts.postgres_exporter.chart
  version    = local.charts.postgres_exporter.version

  values = [yamlencode({
    fullnameOverride = "postgres-exporter"
    service          = { port = 9187 }
    config = {
      datasourceSecret = {
        name = kubernetes_secret_v1.postgres_exporter.metadata[0].name
        key  = "data-source-name"
      }
    }
  })]
}

resource "kubernetes_secret_v1" "postgres_exporter" {
  metadata {
    name      = "postgres-exporter"
    namespace = kubernetes_namespace_v1.observability.metadata[0].name
    labels = {
      "evolution-of-todo/environment" = var.environment
    }
  }

  type = "Opaque"
  data = {
    "data-source-name" = var.database_url
  }
}
