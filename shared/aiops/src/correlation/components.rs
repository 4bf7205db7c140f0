//! Which component an alert is about, read from the labels our rules give
//! (`observability/prometheus/rules/alerts.yml`): HTTP, event and outbox alerts carry `service`;
//! Kafka alerts carry `topic` or a broker volume; pod and container alerts carry `pod`/`container`
//! (a function's container has the function's name, its pods start with it). An alert we cannot
//! place is its own component, named after the alert, so it still groups with itself.

use super::alertmanager::LabelSet;

/// The functions of the platform: the `service` label values, and the prefixes of their pods.
pub const FUNCTIONS: [&str; 10] = [
    "task-api",
    "session-api",
    "chat-api",
    "outbox-relay",
    "analytics",
    "notifier",
    "scheduler",
    "archiver",
    "backup",
    "aiops",
];

/// Infrastructure recognised in pod, container and volume names (Strimzi's `todo-kafka-0`,
/// `data-postgres-0`), checked after the functions.
const INFRASTRUCTURE: [(&str, &str); 3] = [("kafka", "kafka"), ("postgres", "postgresql"), ("redis", "redis")];

/// The component an alert with these labels is about.
pub fn alert_component(labels: &LabelSet) -> String {
    let alertname = labels.get("alertname").map_or("", String::as_str);
    if alertname.starts_with("Kafka") {
        return "kafka".to_owned();
    }
    if alertname == "PostgresDown" {
        return "postgresql".to_owned();
    }
    // An exporter that cannot be scraped is a fault of the monitoring, not of what it watches
    // (postgres_exporter stays up and reports pg_up 0 when PostgreSQL is down).
    if alertname == "MonitoringTargetDown" {
        return "prometheus".to_owned();
    }
    if let Some(service) = labels.get("service").filter(|s| !s.is_empty()) {
        return service.clone();
    }
    let workload = ["container", "pod", "persistentvolumeclaim"]
        .iter()
        .filter_map(|key| labels.get(*key))
        .find_map(|name| workload_component(name));
    if let Some(component) = workload {
        return component.to_owned();
    }
    if labels.contains_key("topic") {
        return "kafka".to_owned();
    }
    if alertname.is_empty() {
        "unknown".to_owned()
    } else {
        alertname.to_owned()
    }
}

/// The component a pod, container or volume name belongs to: the longest function name that
/// prefixes it, else infrastructure named inside it.
fn workload_component(name: &str) -> Option<&'static str> {
    FUNCTIONS
        .iter()
        .filter(|f| name == **f || name.strip_prefix(**f).is_some_and(|rest| rest.starts_with('-')))
        .max_by_key(|f| f.len())
        .copied()
        .or_else(|| {
            INFRASTRUCTURE
                .iter()
                .find(|(needle, _)| name.contains(needle))
                .map(|(_, component)| *component)
        })
}
