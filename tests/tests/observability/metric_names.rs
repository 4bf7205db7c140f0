//! Every metric and label in every PromQL expression (recording and alert rules, dashboard panels
//! and variables) must exist: a metric our code exports, a recording rule of ours, or one in a
//! named exporter's list under `observability/exporters/`. A misspelt or renamed metric otherwise
//! shows up only as an empty graph or an alert that never fires.
//!
//! Our metrics' labels are known (`todo_kit::metrics::CATALOG` plus the scrape job's target
//! labels), so `by`, `on`, matchers and `label_values` on them are checked too; every family our
//! code exports must be used somewhere.

use std::collections::{BTreeMap, BTreeSet};

use todo_kit::metrics::{CATALOG, MetricKind, PROCESS_METRICS};

use crate::grafana::{dashboards, panels};
use crate::rules::rules;
use crate::{files, get, list, obs, promql, read, str_of, yaml_file};

/// Where an expression comes from, and the expression.
#[derive(Debug)]
struct Query {
    origin: String,
    expr: String,
    /// A Grafana `label_values(selector, label)` variable query rather than PromQL.
    label_values: bool,
}

fn queries() -> Vec<Query> {
    let mut out = Vec::new();
    // Recording rules first: an alert or a panel may read what they record.
    let mut rules = rules();
    rules.sort_by_key(|r| r.alert);
    for rule in rules {
        let kind = if rule.alert { "alert" } else { "record" };
        out.push(Query {
            origin: format!("{} {kind} {}", rule.file, rule.name),
            expr: rule.expr,
            label_values: false,
        });
    }
    for (file, dashboard) in dashboards() {
        for panel in panels(&dashboard) {
            if str_of(get(panel, "datasource"), "type") != "prometheus" {
                continue;
            }
            for target in list(get(panel, "targets")) {
                out.push(Query {
                    origin: format!("{file} panel {:?}", str_of(panel, "title")),
                    expr: str_of(target, "expr").to_string(),
                    label_values: false,
                });
            }
        }
        for variable in list(get(get(&dashboard, "templating"), "list")) {
            if str_of(variable, "type") == "query" {
                out.push(Query {
                    origin: format!("{file} variable {}", str_of(variable, "name")),
                    expr: str_of(get(variable, "query"), "query").to_string(),
                    label_values: true,
                });
            }
        }
    }
    out
}

/// Exporter name (file stem) to the metric names in its list.
fn exporter_lists() -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for path in files(&obs("exporters"), ".txt") {
        let stem = path.file_stem().expect("stem").to_string_lossy().into_owned();
        let names: BTreeSet<String> = read(&path)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| {
                assert!(
                    promql::is_metric_name(l),
                    "exporters/{stem}.txt: {l:?} is not a metric name"
                );
                l.to_string()
            })
            .collect();
        out.insert(stem, names);
    }
    out
}

/// The labels a series scraped by the kubernetes-pods job carries besides its own: job, instance
/// and the relabelling's target labels.
fn pod_target_labels() -> BTreeSet<String> {
    let config = yaml_file(&obs("prometheus/prometheus.yml"));
    let job = list(get(&config, "scrape_configs"))
        .iter()
        .find(|j| str_of(j, "job_name") == "kubernetes-pods")
        .expect("a kubernetes-pods job");
    let mut labels: BTreeSet<String> = ["job", "instance"].map(String::from).into();
    for rule in list(get(job, "relabel_configs")) {
        let target = str_of(rule, "target_label");
        if !target.is_empty() && !target.starts_with("__") {
            labels.insert(target.to_string());
        }
    }
    labels
}

#[test]
fn every_metric_and_label_in_promql_is_known() {
    let exporters = exporter_lists();
    for expected in [
        "kafka_exporter",
        "postgres_exporter",
        "node_exporter",
        "kube-state-metrics",
        "cadvisor",
        "prometheus",
    ] {
        assert!(
            exporters.contains_key(expected),
            "missing observability/exporters/{expected}.txt"
        );
    }
    let target = pod_target_labels();
    let mut ours: BTreeMap<String, promql::Labels> = BTreeMap::new();
    for spec in CATALOG {
        let mut labels: BTreeSet<String> = spec.labels.iter().map(|l| l.to_string()).collect();
        labels.extend(target.iter().cloned());
        if spec.kind == MetricKind::Histogram {
            for suffix in ["_sum", "_count"] {
                ours.insert(format!("{}{suffix}", spec.name), promql::Labels::Known(labels.clone()));
            }
            labels.insert("le".into());
            ours.insert(format!("{}_bucket", spec.name), promql::Labels::Known(labels));
        } else {
            ours.insert(spec.name.to_string(), promql::Labels::Known(labels));
        }
    }
    for name in PROCESS_METRICS {
        ours.insert(name.to_string(), promql::Labels::Known(target.clone()));
    }
    let mut env = promql::Env {
        metrics: ours,
        problems: Vec::new(),
    };

    // Recording rules first, in file order: what they record is then known, with the labels
    // their expression keeps.
    let queries = queries();
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut problems = Vec::new();
    for query in &queries {
        let parsed = if query.label_values {
            promql::Parsed::label_values(&query.expr)
        } else {
            promql::Parsed::of(&query.expr)
        };
        match parsed {
            Err(e) => problems.push(format!("{}: cannot parse {:?}: {e}", query.origin, query.expr)),
            Ok(parsed) => {
                let labels = parsed.check(&mut env);
                for problem in env.problems.drain(..) {
                    problems.push(format!("{}: {problem}", query.origin));
                }
                for name in parsed.names() {
                    let known = env.metrics.contains_key(&name) || exporters.values().any(|list| list.contains(&name));
                    if !known {
                        problems.push(format!(
                            "{}: metric {name} is not in todo_kit::metrics::CATALOG, PROCESS_METRICS, our recording rules or observability/exporters/*.txt",
                            query.origin
                        ));
                    }
                    used.insert(name);
                }
                if let Some(record) = query.origin.split(" record ").nth(1) {
                    env.metrics.insert(record.to_string(), labels);
                }
            }
        }
    }
    // Every family our code exports is on a dashboard or in a rule.
    for spec in CATALOG {
        let family = [
            spec.name.to_string(),
            format!("{}_bucket", spec.name),
            format!("{}_count", spec.name),
        ];
        if !family.iter().any(|n| used.contains(n)) {
            problems.push(format!("{} is exported but no dashboard or rule uses it", spec.name));
        }
    }
    assert!(problems.is_empty(), "PromQL:\n  {}", problems.join("\n  "));
}
