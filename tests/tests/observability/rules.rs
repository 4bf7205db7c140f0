//! What the alert and recording rules contain, and what the promtool unit tests cover: promtool
//! only checks that the rules load and that the tests pass, not that every alert can be acted on
//! (severity, annotations, a runbook section) or that every rule is tested at all.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::{files, get, list, obs, promql, read, str_of, yaml_file};

#[derive(Debug)]
pub(crate) struct Rule {
    pub(crate) file: String,
    /// Alert name or recorded metric name.
    pub(crate) name: String,
    pub(crate) alert: bool,
    pub(crate) expr: String,
    labels: Value,
    annotations: Value,
}

pub(crate) fn rules() -> Vec<Rule> {
    let dir = obs("prometheus/rules");
    let mut out = Vec::new();
    for path in files(&dir, ".yml") {
        let file = path.file_name().expect("name").to_string_lossy().into_owned();
        for group in list(get(&yaml_file(&path), "groups")) {
            for rule in list(get(group, "rules")) {
                let (name, alert) = match (rule.get("alert"), rule.get("record")) {
                    (Some(a), None) => (a.as_str().unwrap_or_default().to_string(), true),
                    (None, Some(r)) => (r.as_str().unwrap_or_default().to_string(), false),
                    _ => panic!("{file}: a rule needs exactly one of alert and record: {rule}"),
                };
                out.push(Rule {
                    file: file.clone(),
                    name,
                    alert,
                    expr: str_of(rule, "expr").to_string(),
                    labels: get(rule, "labels").clone(),
                    annotations: get(rule, "annotations").clone(),
                });
            }
        }
    }
    out
}

#[test]
fn every_alert_has_a_severity_annotations_and_a_runbook() {
    let runbooks = read(&obs("runbooks.md"));
    let headings: BTreeSet<&str> = runbooks
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(str::trim)
        .collect();
    let mut problems = Vec::new();
    let alerts: Vec<Rule> = rules().into_iter().filter(|r| r.alert).collect();
    assert!(
        alerts.len() >= 10,
        "expected the alerts of issue 6, found {}",
        alerts.len()
    );
    for alert in &alerts {
        let name = &alert.name;
        let severity = str_of(&alert.labels, "severity");
        if !["P1", "P2", "P3", "P4"].contains(&severity) {
            problems.push(format!("{name}: severity {severity:?} is not one of P1..P4"));
        }
        for key in ["summary", "description", "runbook_url"] {
            if str_of(&alert.annotations, key).trim().is_empty() {
                problems.push(format!("{name}: no {key} annotation"));
            }
        }
        let anchor = format!("runbooks.md#{}", name.to_lowercase());
        if !str_of(&alert.annotations, "runbook_url").ends_with(&anchor) {
            problems.push(format!("{name}: runbook_url should end with {anchor}"));
        }
        if !headings.contains(name.as_str()) {
            problems.push(format!("{name}: runbooks.md has no section `## {name}`"));
        }
    }
    // The conditions issue 6 names, by the metric each one reads.
    for (condition, needle) in [
        ("consumer lag", "kafka_consumergroup_lag"),
        (
            "under-replicated partitions",
            "kafka_topic_partition_under_replicated_partition",
        ),
        ("offline partitions", "kafka_topic_partition_leader"),
        ("broker disk", "kubelet_volume_stats_used_bytes"),
        ("error ratio", "service:http_request_error_ratio:ratio_rate5m"),
        ("p99 latency", "service:http_request_duration_seconds:p99_rate5m"),
        ("pod restarts", "kube_pod_container_status_restarts_total"),
        ("memory of limit", "kube_pod_container_resource_limits"),
        ("outbox backlog", "outbox_pending"),
        ("dead letters", "events_dead_lettered_total"),
    ] {
        if !alerts.iter().any(|a| a.expr.contains(needle)) {
            problems.push(format!("no alert on {condition} (an expression reading {needle})"));
        }
    }
    assert!(problems.is_empty(), "alert rules:\n  {}", problems.join("\n  "));
}

#[test]
fn unit_tests_cover_every_alert_firing_and_not_firing_and_every_recording_rule() {
    let dir = obs("prometheus/tests");
    let mut firing: BTreeSet<String> = BTreeSet::new();
    let mut quiet: BTreeSet<String> = BTreeSet::new();
    let mut tested: BTreeSet<String> = BTreeSet::new();
    let mut problems = Vec::new();
    for path in files(&dir, ".yml") {
        let file = path.file_name().expect("name").to_string_lossy().into_owned();
        let doc = yaml_file(&path);
        for rule_file in list(get(&doc, "rule_files")).iter().filter_map(Value::as_str) {
            if !dir.join(rule_file).is_file() {
                problems.push(format!("{file}: rule file {rule_file} does not exist"));
            }
        }
        for case in list(get(&doc, "tests")) {
            for check in list(get(case, "alert_rule_test")) {
                let name = str_of(check, "alertname").to_string();
                match check.get("exp_alerts") {
                    Some(Value::Array(expected)) if expected.is_empty() => quiet.insert(name),
                    Some(Value::Array(_)) => firing.insert(name),
                    _ => {
                        problems.push(format!(
                            "{file}: the {name} check needs an explicit exp_alerts (or exp_alerts: [])"
                        ));
                        false
                    }
                };
            }
            for check in list(get(case, "promql_expr_test")) {
                match promql::Parsed::of(str_of(check, "expr")) {
                    Ok(parsed) => tested.extend(parsed.names()),
                    Err(e) => problems.push(format!("{file}: cannot parse {}: {e}", get(check, "expr"))),
                }
            }
        }
    }
    for rule in rules() {
        if rule.alert {
            if !firing.contains(&rule.name) {
                problems.push(format!("alert {} has no unit test where it fires", rule.name));
            }
            if !quiet.contains(&rule.name) {
                problems.push(format!("alert {} has no unit test where it does not fire", rule.name));
            }
        } else if !tested.contains(&rule.name) {
            problems.push(format!(
                "recording rule {} ({}) has no promql_expr_test of its value",
                rule.name, rule.file
            ));
        }
    }
    assert!(problems.is_empty(), "rule unit tests:\n  {}", problems.join("\n  "));
}
