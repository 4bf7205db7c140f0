//! Checks `observability/` with real tools and against the code, so that the monitoring we ship
//! cannot drift from what the services export: renaming a metric in code fails this test until the
//! dashboards and rules follow.
//!
//! Run with `cargo test -p todo-tests --test observability`. promtool comes from the Debian package
//! `prometheus` (`scripts/build-deps.sh` installs it); the promtool tests fail without it.
//!
//! - `promtool`: `promtool check config`, `promtool check rules` and `promtool test rules` pass;
//! - `rules`: every alert has severity P1..P4, summary/description/runbook_url, a runbook section,
//!   and unit tests where it fires and where it does not; every recording rule's value is tested;
//! - `grafana`: every Grafana dashboard is well-formed and reaches its data through datasource
//!   variables, and provisioning names both datasources and the dashboards;
//! - `metric_names`: every metric name in every PromQL expression (dashboards, recording and alert
//!   rules) is one our code exports (`todo_kit::metrics::CATALOG`, `PROCESS_METRICS`), a recording
//!   rule of ours, or in the list of a named exporter (`observability/exporters/*.txt`); labels used
//!   on our metrics are labels they have;
//! - `loki`: the Alloy pipeline turns only low-cardinality fields into Loki labels, and the LogQL
//!   queries in `observability/loki/README.md` select on those labels;
//! - `alertmanager`: `amtool check-config` passes and each severity reaches its receivers
//!   (`amtool config routes test`); every severity has a route, inhibit rules name alerts that
//!   exist and compare labels both sides carry, secrets are read from files;
//! - `otel_collector`: the OpenTelemetry Collector pipelines name only defined components, receive
//!   OTLP, export traces to Jaeger and span metrics to Prometheus, memory_limiter first;
//! - `yaml` and `promql`: YAML (serde-saphyr) and PromQL (promql-parser) read for the checks above.
//!
//! This file holds what every module shares: paths under `observability/`, reading files, and
//! looking things up in a parsed `serde_json::Value`.

mod alertmanager;
mod grafana;
mod loki;
mod metric_names;
mod otel_collector;
mod promql;
mod promtool;
mod rules;
mod yaml;

use std::path::{Path, PathBuf};

use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// A path under `observability/` at the repository root.
pub(crate) fn obs(rel: &str) -> PathBuf {
    repo().join("observability").join(rel)
}

pub(crate) fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The files in `dir` whose names end with `suffix`, sorted.
pub(crate) fn files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(suffix))
        })
        .collect();
    found.sort();
    assert!(!found.is_empty(), "no *{suffix} files in {}", dir.display());
    found
}

/// A YAML file read with `yaml::parse`; fails the test with the file name when it cannot be read.
pub(crate) fn yaml_file(path: &Path) -> Value {
    yaml::parse(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `value[key]`, or null when it is missing: a check then reports what is missing instead of panicking.
pub(crate) fn get<'a>(value: &'a Value, key: &str) -> &'a Value {
    value.get(key).unwrap_or(&Value::Null)
}

/// The string at `key`, or `""` when it is missing or not a string.
pub(crate) fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    get(value, key).as_str().unwrap_or("")
}

/// The items of an array, or none when `value` is not one.
pub(crate) fn list(value: &Value) -> &[Value] {
    value.as_array().map_or(&[], Vec::as_slice)
}
