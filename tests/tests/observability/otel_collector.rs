//! `observability/otel-collector/config.yaml`, checked for structure: no collector binary can be
//! installed here (not in Debian, PyPI or npm), so this reads the configuration the way the
//! collector resolves it. Every component a pipeline names is defined (a connector is the exporter
//! of one pipeline and the receiver of another), traces arrive over OTLP and leave for Jaeger over
//! OTLP, memory_limiter comes first in every pipeline, and the span metrics reach Prometheus.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::{get, list, obs, str_of, yaml_file};

fn config() -> Value {
    yaml_file(&obs("otel-collector/config.yaml"))
}

/// A component's type: `otlp` for `otlp/jaeger`.
fn kind(id: &str) -> &str {
    id.split('/').next().unwrap_or(id)
}

/// The pipelines of `service.pipelines`, as (id, pipeline).
fn pipelines(config: &Value) -> Vec<(&str, &Value)> {
    let found: Vec<(&str, &Value)> = get(get(config, "service"), "pipelines")
        .as_object()
        .into_iter()
        .flatten()
        .map(|(id, p)| (id.as_str(), p))
        .collect();
    assert!(!found.is_empty(), "config.yaml: no service.pipelines");
    found
}

/// The ids a pipeline lists under `role` (receivers, processors, exporters).
fn names<'a>(pipeline: &'a Value, role: &str) -> Vec<&'a str> {
    list(get(pipeline, role)).iter().filter_map(Value::as_str).collect()
}

fn defined<'a>(config: &'a Value, section: &str) -> BTreeSet<&'a str> {
    get(config, section)
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| k.as_str())
        .collect()
}

/// The port at the end of `host:port`.
fn port(endpoint: &str) -> &str {
    endpoint.rsplit(':').next().unwrap_or("")
}

#[test]
fn every_component_a_pipeline_names_is_defined() {
    let config = config();
    let connectors = defined(&config, "connectors");
    let mut problems = Vec::new();
    let (mut used, mut into_connectors, mut from_connectors) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for (id, pipeline) in pipelines(&config) {
        if !["traces", "metrics", "logs"].contains(&kind(id)) {
            problems.push(format!(
                "pipeline {id}: type {} is not traces, metrics or logs",
                kind(id)
            ));
        }
        for role in ["receivers", "processors", "exporters"] {
            let ids = names(pipeline, role);
            if ids.is_empty() && role != "processors" {
                problems.push(format!("pipeline {id} has no {role}"));
            }
            for name in ids {
                let is_connector = role != "processors" && connectors.contains(name);
                if !is_connector && !defined(&config, role).contains(name) {
                    problems.push(format!("pipeline {id}: {role} {name} is not defined"));
                }
                match (is_connector, role) {
                    (true, "exporters") => into_connectors.insert(name),
                    (true, _) => from_connectors.insert(name),
                    _ => used.insert((role, name)),
                };
            }
        }
    }
    for name in &connectors {
        if !into_connectors.contains(name) || !from_connectors.contains(name) {
            problems.push(format!(
                "connector {name} must export from one pipeline and receive into another"
            ));
        }
    }
    for role in ["receivers", "processors", "exporters"] {
        for name in defined(&config, role) {
            if !used.contains(&(role, name)) {
                problems.push(format!("{role} {name} is defined but no pipeline uses it"));
            }
        }
    }
    let extensions = defined(&config, "extensions");
    for name in list(get(get(&config, "service"), "extensions"))
        .iter()
        .filter_map(Value::as_str)
    {
        if !extensions.contains(name) {
            problems.push(format!("service extension {name} is not defined"));
        }
    }
    assert!(
        problems.is_empty(),
        "otel-collector/config.yaml:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn traces_arrive_over_otlp_and_leave_for_jaeger_over_otlp() {
    let config = config();
    let exporters = get(&config, "exporters");
    let traces: Vec<&Value> = pipelines(&config)
        .into_iter()
        .filter(|(id, _)| kind(id) == "traces")
        .map(|(_, p)| p)
        .collect();
    assert!(!traces.is_empty(), "no traces pipeline");
    for pipeline in traces {
        assert!(
            names(pipeline, "receivers").contains(&"otlp"),
            "the traces pipeline does not receive otlp"
        );
        let jaeger = names(pipeline, "exporters")
            .into_iter()
            .find(|e| kind(e) == "otlp" && e.contains("jaeger"));
        let jaeger = jaeger.unwrap_or_else(|| panic!("the traces pipeline exports to no otlp/jaeger exporter"));
        let exporter = get(exporters, jaeger);
        let endpoint = str_of(exporter, "endpoint");
        assert!(
            endpoint.starts_with("jaeger-collector.observability") && port(endpoint) == "4317",
            "{jaeger} sends to {endpoint:?}, not jaeger-collector.observability:4317 (OTLP gRPC)"
        );
        assert_eq!(
            get(get(exporter, "tls"), "insecure"),
            &Value::Bool(true),
            "{jaeger}: tls.insecure inside the cluster"
        );
        let environment = get(get(&config, "processors"), "resource").to_string();
        assert!(
            names(pipeline, "processors").contains(&"resource") && environment.contains("deployment.environment"),
            "the traces pipeline does not set deployment.environment with the resource processor"
        );
    }
}

#[test]
fn memory_limiter_comes_first_and_batch_after_it_in_every_pipeline() {
    let config = config();
    let mut problems = Vec::new();
    for (id, pipeline) in pipelines(&config) {
        let processors = names(pipeline, "processors");
        if processors.first().map(|p| kind(p)) != Some("memory_limiter") {
            problems.push(format!(
                "pipeline {id}: processors {processors:?} do not start with memory_limiter"
            ));
        }
        if !processors.iter().skip(1).any(|p| kind(p) == "batch") {
            problems.push(format!("pipeline {id}: no batch processor after memory_limiter"));
        }
    }
    assert!(
        problems.is_empty(),
        "otel-collector/config.yaml:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn otlp_receiver_listens_on_4317_grpc_and_4318_http_and_health_is_served() {
    let config = config();
    let protocols = get(get(get(&config, "receivers"), "otlp"), "protocols");
    for (protocol, expected) in [("grpc", "4317"), ("http", "4318")] {
        let endpoint = str_of(get(protocols, protocol), "endpoint");
        assert_eq!(port(endpoint), expected, "otlp {protocol} listens on {endpoint:?}");
    }
    let extensions = list(get(get(&config, "service"), "extensions"));
    assert!(
        extensions.iter().any(|e| e.as_str().map(kind) == Some("health_check")),
        "the health_check extension is not enabled"
    );
}

#[test]
fn span_metrics_are_served_to_prometheus_on_8889() {
    let config = config();
    let pipelines = pipelines(&config);
    fn connector<'a>(pipeline: &'a Value, role: &str) -> Option<&'a str> {
        names(pipeline, role).into_iter().find(|c| kind(c) == "spanmetrics")
    }
    let from_traces = pipelines
        .iter()
        .filter(|(id, _)| kind(id) == "traces")
        .find_map(|(_, p)| connector(p, "exporters"));
    let from_traces = from_traces.expect("no traces pipeline exports to a spanmetrics connector");
    let metrics = pipelines
        .iter()
        .find(|(id, p)| kind(id) == "metrics" && connector(p, "receivers") == Some(from_traces))
        .unwrap_or_else(|| panic!("no metrics pipeline receives from {from_traces}"));
    let prometheus = names(metrics.1, "exporters")
        .into_iter()
        .find(|e| kind(e) == "prometheus");
    let prometheus = prometheus.unwrap_or_else(|| panic!("pipeline {} does not export to prometheus", metrics.0));
    let endpoint = str_of(get(get(&config, "exporters"), prometheus), "endpoint");
    assert_eq!(port(endpoint), "8889", "{prometheus} serves on {endpoint:?}");
}

#[test]
fn prometheus_scrapes_the_collector_on_8889() {
    let prometheus = yaml_file(&obs("prometheus/prometheus.yml"));
    let targets: Vec<&str> = list(get(&prometheus, "scrape_configs"))
        .iter()
        .flat_map(|job| list(get(job, "static_configs")))
        .flat_map(|sc| list(get(sc, "targets")))
        .filter_map(Value::as_str)
        .collect();
    assert!(
        targets
            .iter()
            .any(|t| t.starts_with("otel-collector.observability") && port(t) == "8889"),
        "no scrape job targets otel-collector.observability[.svc]:8889; targets: {targets:?}"
    );
}
