//! Checks `observability/` with real tools and against the code:
//!
//! - `promtool check config`, `promtool check rules` and `promtool test rules` pass;
//! - every alert has severity P1..P4, summary/description/runbook_url, a runbook section, and unit
//!   tests where it fires and where it does not; every recording rule's value is tested;
//! - every Grafana dashboard is well-formed and reaches its data through datasource variables;
//! - every metric name in every PromQL expression (dashboards, recording and alert rules) is one our
//!   code exports (`todo_kit::metrics::CATALOG`, `PROCESS_METRICS`), a recording rule of ours, or
//!   in the list of a named exporter (`observability/exporters/*.txt`); labels used on our metrics
//!   are labels they have;
//! - the Alloy pipeline turns only low-cardinality fields into Loki labels, and the LogQL queries in
//!   `observability/loki/README.md` select on those labels.
//!
//! promtool comes from the Debian package `prometheus` (`scripts/build-deps.sh` installs it). The
//! YAML files are read with the small YAML reader below (block mappings and sequences, flow
//! collections, quoted and block scalars), which refuses what it does not understand.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use todo_kit::metrics::{CATALOG, MetricKind, PROCESS_METRICS};

// ------------------------------------------------------------------------------------------------
// Files and tools

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

fn obs(rel: &str) -> PathBuf {
    repo().join("observability").join(rel)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The files in `dir` whose names end with `suffix`, sorted.
fn files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
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

fn yaml_file(path: &Path) -> Value {
    yaml::parse(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The promtool binary; fails the test with what to install when it is missing.
fn promtool() -> &'static str {
    match Command::new("promtool").arg("--version").output() {
        Ok(out) if out.status.success() => "promtool",
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => panic!(
            "promtool is missing in CI: scripts/build-deps.sh (make deps) must install it (apt-get install prometheus)"
        ),
        _ => panic!("promtool is missing: install it with `apt-get install prometheus` (or run `make deps`)"),
    }
}

/// Runs promtool in `dir`, failing loudly with its output.
fn run_promtool(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(promtool())
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run promtool {args:?}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "promtool {} failed in {}:\n{text}",
        args.join(" "),
        dir.display()
    );
    text
}

fn rel_names(dir: &Path, paths: &[PathBuf]) -> Vec<String> {
    paths
        .iter()
        .map(|p| p.strip_prefix(dir).expect("under dir").to_string_lossy().into_owned())
        .collect()
}

fn get<'a>(value: &'a Value, key: &str) -> &'a Value {
    value.get(key).unwrap_or(&Value::Null)
}

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    get(value, key).as_str().unwrap_or("")
}

fn list(value: &Value) -> &[Value] {
    value.as_array().map_or(&[], Vec::as_slice)
}

// ------------------------------------------------------------------------------------------------
// Prometheus configuration and rules with promtool

const KUBERNETES_SD_ROLES: &[&str] = &["node", "pod", "service", "endpoints", "endpointslice", "ingress"];
const KUBERNETES_SD_KEYS: &[&str] = &[
    "role",
    "namespaces",
    "selectors",
    "api_server",
    "kubeconfig_file",
    "attach_metadata",
    "follow_redirects",
];

/// Replaces every `kubernetes_sd_configs` (after checking it) with a `file_sd_configs`, for a
/// promtool built without Kubernetes discovery (Debian's).
fn without_kubernetes_sd(config: &mut Value, targets_file: &str, problems: &mut Vec<String>) {
    for job in config
        .get_mut("scrape_configs")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        let name = str_of(job, "job_name").to_string();
        let Some(map) = job.as_object_mut() else { continue };
        let Some(sd) = map.remove("kubernetes_sd_configs") else {
            continue;
        };
        for block in list(&sd) {
            let role = str_of(block, "role");
            if !KUBERNETES_SD_ROLES.contains(&role) {
                problems.push(format!(
                    "job {name}: kubernetes_sd role {role:?} is not one of {KUBERNETES_SD_ROLES:?}"
                ));
            }
            for key in block.as_object().into_iter().flat_map(|m| m.keys()) {
                if !KUBERNETES_SD_KEYS.contains(&key.as_str()) {
                    problems.push(format!("job {name}: unknown kubernetes_sd key {key:?}"));
                }
            }
        }
        map.insert("file_sd_configs".into(), json!([{ "files": [targets_file] }]));
    }
}

fn promtool_knows_kubernetes_sd(dir: &Path) -> bool {
    let probe = dir.join("probe.json");
    let config = json!({"scrape_configs": [{"job_name": "probe", "kubernetes_sd_configs": [{"role": "pod"}]}]});
    std::fs::write(&probe, config.to_string()).expect("write probe config");
    Command::new(promtool())
        .args(["check", "config", "--syntax-only", "probe.json"])
        .current_dir(dir)
        .output()
        .is_ok_and(|out| out.status.success())
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("todo-observability-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

#[test]
fn prometheus_config_passes_promtool_check_config() {
    let dir = obs("prometheus");
    let config = yaml_file(&dir.join("prometheus.yml"));
    let mut problems = Vec::new();

    // The jobs the issue asks for, and the annotations the pod job honours.
    let jobs: BTreeMap<&str, &Value> = list(get(&config, "scrape_configs"))
        .iter()
        .map(|j| (str_of(j, "job_name"), j))
        .collect();
    for job in [
        "kubernetes-pods",
        "kafka-exporter",
        "postgres-exporter",
        "kube-state-metrics",
        "node-exporter",
        "kubelet",
        "cadvisor",
    ] {
        if !jobs.contains_key(job) {
            problems.push(format!("no scrape job {job}"));
        }
    }
    let pods = serde_json::to_string(jobs.get("kubernetes-pods").copied().unwrap_or(&Value::Null)).expect("json");
    for annotation in ["prometheus_io_scrape", "prometheus_io_port", "prometheus_io_path"] {
        if !pods.contains(&format!("__meta_kubernetes_pod_annotation_{annotation}")) {
            problems.push(format!(
                "the kubernetes-pods job does not use the annotation {annotation}"
            ));
        }
    }
    // The rule files it loads are ours.
    let globs: Vec<&str> = list(get(&config, "rule_files"))
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        globs,
        ["rules/*.yml"],
        "rule_files should load every file of prometheus/rules/"
    );

    // promtool: the real file when it knows kubernetes_sd; otherwise a copy without it.
    let scratch = scratch_dir("config");
    if promtool_knows_kubernetes_sd(&scratch) {
        run_promtool(&dir, &["check", "config", "--syntax-only", "prometheus.yml"]);
    } else {
        let mut copy = config.clone();
        without_kubernetes_sd(&mut copy, "targets.json", &mut problems);
        std::fs::write(scratch.join("targets.json"), "[]").expect("write targets");
        std::fs::write(
            scratch.join("prometheus.json"),
            serde_json::to_string_pretty(&copy).expect("json"),
        )
        .expect("write");
        run_promtool(&scratch, &["check", "config", "--syntax-only", "prometheus.json"]);
    }
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(problems.is_empty(), "prometheus.yml:\n  {}", problems.join("\n  "));
}

#[test]
fn rule_files_pass_promtool_check_rules() {
    let dir = obs("prometheus");
    let rules = rel_names(&dir, &files(&dir.join("rules"), ".yml"));
    let mut args = vec!["check", "rules"];
    args.extend(rules.iter().map(String::as_str));
    run_promtool(&dir, &args);
}

#[test]
fn rule_unit_tests_pass_promtool_test_rules() {
    let dir = obs("prometheus");
    let tests = rel_names(&dir, &files(&dir.join("tests"), ".yml"));
    let mut args = vec!["test", "rules"];
    args.extend(tests.iter().map(String::as_str));
    let out = run_promtool(&dir, &args);
    assert!(
        !out.contains("FAILED"),
        "promtool test rules reported a failure:\n{out}"
    );
}

// ------------------------------------------------------------------------------------------------
// Rules: what they contain and what the unit tests cover

#[derive(Debug)]
struct Rule {
    file: String,
    /// Alert name or recorded metric name.
    name: String,
    alert: bool,
    expr: String,
    labels: Value,
    annotations: Value,
}

fn rules() -> Vec<Rule> {
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

// ------------------------------------------------------------------------------------------------
// Grafana

const DASHBOARDS: &[&str] = &[
    "service-overview.json",
    "kafka.json",
    "database.json",
    "cluster.json",
    "business.json",
];
const GRAFANA_BUILTINS: &[&str] = &[
    "__rate_interval",
    "__interval",
    "__range",
    "__interval_ms",
    "__range_s",
    "__range_ms",
    "__dashboard",
    "__from",
    "__to",
];

fn dashboards() -> Vec<(String, Value)> {
    let dir = obs("grafana/dashboards");
    files(&dir, ".json")
        .into_iter()
        .map(|path| {
            let name = path.file_name().expect("name").to_string_lossy().into_owned();
            let value = serde_json::from_str(&read(&path)).unwrap_or_else(|e| panic!("{name} is not valid JSON: {e}"));
            (name, value)
        })
        .collect()
}

/// Every panel, rows' nested panels included.
fn panels(dashboard: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    for panel in list(get(dashboard, "panels")) {
        out.push(panel);
        out.extend(list(get(panel, "panels")));
    }
    out
}

/// The `$name`, `${name}` and `${name:format}` variables a string refers to.
fn variables_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        rest = &rest[at + 1..];
        let name: String = if let Some(inner) = rest.strip_prefix('{') {
            inner.chars().take_while(|c| *c != '}' && *c != ':').collect()
        } else {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        };
        if !name.is_empty() && !name.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            out.push(name);
        }
    }
    out
}

#[test]
fn dashboards_are_well_formed_and_use_datasource_variables() {
    let found = dashboards();
    let names: BTreeSet<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
    for expected in DASHBOARDS {
        assert!(
            names.contains(expected),
            "missing dashboard grafana/dashboards/{expected}"
        );
    }
    let mut problems = Vec::new();
    let mut uids = BTreeSet::new();
    for (file, dashboard) in &found {
        let mut problem = |text: String| problems.push(format!("{file}: {text}"));
        for key in ["title", "uid"] {
            if str_of(dashboard, key).trim().is_empty() {
                problem(format!("no {key}"));
            }
        }
        let uid = str_of(dashboard, "uid");
        if uid.len() > 40 || !uids.insert(uid.to_string()) {
            problem(format!("uid {uid:?} is longer than 40 characters or not unique"));
        }
        if !get(dashboard, "id").is_null() {
            problem("id should be null in a provisioned dashboard".into());
        }
        let variables: BTreeMap<&str, &Value> = list(get(get(dashboard, "templating"), "list"))
            .iter()
            .map(|v| (str_of(v, "name"), v))
            .collect();
        match variables.get("datasource") {
            Some(v) if str_of(v, "type") == "datasource" && str_of(v, "query") == "prometheus" => {}
            _ => problem("templating has no variable `datasource` of type datasource, query prometheus".into()),
        }
        for (name, variable) in &variables {
            if str_of(variable, "type") == "query"
                && get(variable, "datasource") != &json!({"type": "prometheus", "uid": "${datasource}"})
            {
                problem(format!("variable {name} does not query through ${{datasource}}"));
            }
            let definition = str_of(variable, "definition");
            if !definition.is_empty() && definition != str_of(get(variable, "query"), "query") {
                problem(format!("variable {name}: definition and query.query differ"));
            }
        }
        let all = panels(dashboard);
        if all.iter().all(|p| str_of(p, "type") == "row") {
            problem("no panels".into());
        }
        let mut ids = BTreeSet::new();
        for panel in &all {
            let title = str_of(panel, "title");
            let id = get(panel, "id").as_u64();
            if id.is_none() || !ids.insert(id) {
                problem(format!(
                    "panel {title:?}: id {:?} missing or not unique",
                    get(panel, "id")
                ));
            }
            let grid = get(panel, "gridPos");
            let dims: Vec<Option<u64>> = ["h", "w", "x", "y"].iter().map(|k| get(grid, k).as_u64()).collect();
            match dims[..] {
                [Some(h), Some(w), Some(x), Some(_)] if h > 0 && w > 0 && x + w <= 24 => {}
                _ => problem(format!(
                    "panel {title:?}: gridPos {grid} needs h, w, x, y within 24 columns"
                )),
            }
            if str_of(panel, "type") == "row" {
                continue;
            }
            let expected = match str_of(get(panel, "datasource"), "type") {
                "prometheus" => json!({"type": "prometheus", "uid": "${datasource}"}),
                "loki" => json!({"type": "loki", "uid": "${loki}"}),
                other => {
                    problem(format!(
                        "panel {title:?}: datasource type {other:?} is neither prometheus nor loki"
                    ));
                    continue;
                }
            };
            if get(panel, "datasource") != &expected {
                problem(format!("panel {title:?}: datasource should be {expected}"));
            }
            let targets = list(get(panel, "targets"));
            if targets.is_empty() {
                problem(format!("panel {title:?}: no targets"));
            }
            for target in targets {
                if target.get("datasource").is_some_and(|d| d != &expected) {
                    problem(format!("panel {title:?}: target datasource should be {expected}"));
                }
                if str_of(target, "expr").trim().is_empty() {
                    problem(format!("panel {title:?}: target without expr"));
                }
            }
            if str_of(get(panel, "datasource"), "type") == "loki" {
                match variables.get("loki") {
                    Some(v) if str_of(v, "type") == "datasource" && str_of(v, "query") == "loki" => {}
                    _ => problem(format!(
                        "panel {title:?} uses ${{loki}} but there is no loki datasource variable"
                    )),
                }
            }
        }
        // Every variable a query refers to exists.
        let text = serde_json::to_string(&all).expect("json")
            + &serde_json::to_string(get(dashboard, "templating")).expect("json");
        for name in variables_in(&text) {
            if !variables.contains_key(name.as_str())
                && !GRAFANA_BUILTINS.contains(&name.as_str())
                && !name.starts_with("__")
            {
                problem(format!("refers to ${name}, which is not a template variable"));
            }
        }
    }
    assert!(problems.is_empty(), "dashboards:\n  {}", problems.join("\n  "));
}

#[test]
fn grafana_provisioning_names_both_datasources_and_the_dashboards() {
    let datasources = yaml_file(&obs("grafana/provisioning/datasources/datasources.yml"));
    assert_eq!(get(&datasources, "apiVersion"), &json!(1));
    let types: BTreeSet<&str> = list(get(&datasources, "datasources"))
        .iter()
        .map(|d| str_of(d, "type"))
        .collect();
    assert!(
        types.contains("prometheus") && types.contains("loki"),
        "datasources provisioned: {types:?}"
    );
    let providers = yaml_file(&obs("grafana/provisioning/dashboards/dashboards.yml"));
    assert_eq!(get(&providers, "apiVersion"), &json!(1));
    let provider = list(get(&providers, "providers"))
        .first()
        .expect("a dashboard provider");
    assert_eq!(str_of(provider, "type"), "file");
    assert!(
        str_of(get(provider, "options"), "path").starts_with('/'),
        "the provider needs an absolute path"
    );
}

// ------------------------------------------------------------------------------------------------
// Metric names and labels in every PromQL expression

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

// ------------------------------------------------------------------------------------------------
// Loki

/// The keys of the `values = { ... }` (or `expressions = { ... }`) map of the first `block {` in an
/// Alloy file.
fn alloy_map_keys(config: &str, block: &str, map: &str) -> BTreeSet<String> {
    let start = config
        .find(&format!("{block} {{"))
        .unwrap_or_else(|| panic!("config.alloy has no {block} block"));
    let body = &config[start..];
    let open = body
        .find(&format!("{map} = {{"))
        .unwrap_or_else(|| panic!("{block} has no {map} map"));
    let inner = &body[open..];
    let close = inner.find('}').expect("closing brace");
    inner[inner.find('{').expect("opening brace") + 1..close]
        .lines()
        .filter_map(|line| {
            line.split_once('=')
                .map(|(k, _)| k.trim().trim_matches('"').to_string())
        })
        .filter(|k| !k.is_empty() && !k.starts_with("//"))
        .collect()
}

#[test]
fn alloy_pipeline_keeps_labels_low_cardinality() {
    let config = read(&obs("loki/config.alloy"));
    let parsed = alloy_map_keys(&config, "stage.json", "expressions");
    for field in [
        "timestamp",
        "level",
        "service",
        "message",
        "trace_id",
        "span_id",
        "ce_id",
        "ce_type",
        "request_id",
        "route",
        "status",
    ] {
        assert!(parsed.contains(field), "stage.json does not extract {field}");
    }
    let labels = alloy_map_keys(&config, "stage.labels", "values");
    assert_eq!(
        labels,
        ["level", "service"].map(String::from).into(),
        "only service and level become labels from the line"
    );
    let metadata = alloy_map_keys(&config, "stage.structured_metadata", "values");
    for field in [
        "trace_id",
        "span_id",
        "ce_id",
        "ce_type",
        "request_id",
        "route",
        "status",
    ] {
        assert!(metadata.contains(field), "{field} should be structured metadata");
    }
    // Labels set from Kubernetes discovery.
    let relabelled: BTreeSet<&str> = config
        .lines()
        .filter_map(|l| l.trim().strip_prefix("target_label"))
        .filter_map(|l| l.split('"').nth(1))
        .collect();
    assert_eq!(
        relabelled,
        ["container", "namespace", "service"].into(),
        "labels set by discovery.relabel"
    );
    assert!(
        config.contains("stage.timestamp") && config.contains("RFC3339"),
        "the line's own timestamp is used"
    );
}

#[test]
fn logql_queries_select_on_pipeline_labels() {
    let readme = read(&obs("loki/README.md"));
    let labels = ["service", "level", "namespace", "container", "cluster"];
    let blocks: Vec<&str> = readme
        .split("```logql")
        .skip(1)
        .map(|b| b.split("```").next().unwrap_or(""))
        .collect();
    assert!(
        blocks.len() >= 7,
        "loki/README.md should hold the seven queries of issue 6, found {}",
        blocks.len()
    );
    for topic in [
        "Errors per service",
        "Logs of one trace",
        "Slow requests",
        "Dead-lettered events",
        "Failed webhook deliveries",
        "Outbox publish failures",
        "Top error messages",
    ] {
        assert!(
            readme.contains(&format!("**{topic}.**")),
            "loki/README.md has no query for {topic}"
        );
    }
    for block in blocks {
        // Stream selectors: `{` not preceded by a template's `{{`.
        for selector in block
            .split('{')
            .skip(1)
            .filter(|s| !s.starts_with('{') && !s.starts_with('.'))
        {
            let inner = selector.split('}').next().unwrap_or("");
            for matcher in inner.split(',').map(str::trim).filter(|m| !m.is_empty()) {
                let label: String = matcher
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                assert!(
                    labels.contains(&label.as_str()),
                    "LogQL selector {{{inner}}} uses {label:?}, which is not a label"
                );
            }
        }
    }
}

// ------------------------------------------------------------------------------------------------
// A YAML reader for the subset our files use

mod yaml {
    use serde_json::{Map, Number, Value};

    /// Parses block mappings and sequences, flow collections, quoted, plain and block scalars.
    /// Anchors, tags, multi-document files and multi-line plain scalars are refused.
    pub(super) fn parse(text: &str) -> Result<Value, String> {
        let mut reader = Reader {
            lines: text.lines().map(|l| (0, l.to_string())).collect(),
            pos: 0,
        };
        for (i, (indent, line)) in reader.lines.iter_mut().enumerate() {
            if line.starts_with("---") && i == 0 {
                line.clear();
            }
            if !line.trim().is_empty() && line[..line.len() - line.trim_start().len()].contains('\t') {
                return Err(format!("line {}: tab in indentation", i + 1));
            }
            *indent = line.len() - line.trim_start().len();
        }
        let Some((indent, _)) = reader.peek() else {
            return Ok(Value::Null);
        };
        let value = reader.block(indent)?;
        match reader.peek() {
            None => Ok(value),
            Some(_) => Err(format!("line {}: unexpected content", reader.pos + 1)),
        }
    }

    struct Reader {
        /// (indentation, line without its line break)
        lines: Vec<(usize, String)>,
        pos: usize,
    }

    fn significant(line: &str) -> bool {
        let t = line.trim();
        !t.is_empty() && !t.starts_with('#')
    }

    impl Reader {
        /// The next significant line: skips blank and comment lines.
        fn peek(&mut self) -> Option<(usize, String)> {
            while self.pos < self.lines.len() && !significant(&self.lines[self.pos].1) {
                self.pos += 1;
            }
            self.lines.get(self.pos).map(|(i, l)| (*i, l.trim().to_string()))
        }

        fn err<T>(&self, what: &str) -> Result<T, String> {
            Err(format!("line {}: {what}", self.pos + 1))
        }

        fn block(&mut self, indent: usize) -> Result<Value, String> {
            match self.peek() {
                Some((_, line)) if line == "-" || line.starts_with("- ") => self.sequence(indent),
                Some(_) => self.mapping(indent),
                None => Ok(Value::Null),
            }
        }

        fn sequence(&mut self, indent: usize) -> Result<Value, String> {
            let mut items = Vec::new();
            while let Some((at, line)) = self.peek() {
                if at < indent || !(line == "-" || line.starts_with("- ")) {
                    break;
                }
                if at > indent {
                    return self.err("unexpected indentation in a sequence");
                }
                let rest = line[1..].trim_start().to_string();
                if rest.is_empty() || rest.starts_with('#') {
                    self.pos += 1;
                    items.push(self.nested(indent)?);
                } else if split_key(&rest).is_some() {
                    // `- key: value`: a mapping whose keys sit where `key` starts.
                    let column = indent + (line.len() - rest.len());
                    self.lines[self.pos] = (column, format!("{}{rest}", " ".repeat(column)));
                    items.push(self.mapping(column)?);
                } else {
                    self.pos += 1;
                    items.push(self.value(&rest, indent)?);
                }
            }
            Ok(Value::Array(items))
        }

        /// The value on the lines after a `key:` or `-` with nothing after it.
        fn nested(&mut self, indent: usize) -> Result<Value, String> {
            match self.peek() {
                Some((at, _)) if at > indent => self.block(at),
                Some((at, line)) if at == indent && (line == "-" || line.starts_with("- ")) => self.sequence(at),
                _ => Ok(Value::Null),
            }
        }

        fn mapping(&mut self, indent: usize) -> Result<Value, String> {
            let mut map = Map::new();
            while let Some((at, line)) = self.peek() {
                if at < indent || (at == indent && (line == "-" || line.starts_with("- "))) {
                    break;
                }
                if at > indent {
                    return self.err("unexpected indentation (multi-line plain scalars are not supported)");
                }
                let Some((key, rest)) = split_key(&line) else {
                    return self.err("expected `key: value`");
                };
                if map.contains_key(&key) {
                    return self.err(&format!("duplicate key {key:?}"));
                }
                self.pos += 1;
                let value = if rest.is_empty() || rest.starts_with('#') {
                    self.nested(indent)?
                } else {
                    self.value(&rest, indent)?
                };
                map.insert(key, value);
            }
            Ok(Value::Object(map))
        }

        /// A value written after `key: ` or `- ` (the line is consumed); `indent` is the parent's.
        fn value(&mut self, text: &str, indent: usize) -> Result<Value, String> {
            let first = text.chars().next().unwrap_or(' ');
            match first {
                '|' | '>' => self.block_scalar(text, indent),
                '&' | '*' | '!' | '%' | '@' | '`' => {
                    self.err("anchors, aliases, tags and reserved indicators are not supported")
                }
                _ => {
                    let mut chars = Flow {
                        text: text.chars().collect(),
                        at: 0,
                    };
                    let value = chars.value(false).or_else(|e| self.err(&e))?;
                    chars.skip_space();
                    if chars.at < chars.text.len() && chars.text[chars.at] != '#' {
                        return self.err(&format!("unexpected text after a value: {text:?}"));
                    }
                    Ok(value)
                }
            }
        }

        fn block_scalar(&mut self, header: &str, indent: usize) -> Result<Value, String> {
            let header = header.split('#').next().unwrap_or("").trim();
            let folded = header.starts_with('>');
            let chomp = header[1..].chars().find(|c| *c == '-' || *c == '+');
            if header[1..].chars().any(|c| c.is_ascii_digit()) {
                return self.err("explicit indentation indicators are not supported");
            }
            let mut body: Vec<String> = Vec::new();
            let mut block_indent = None;
            while self.pos < self.lines.len() {
                let (at, line) = &self.lines[self.pos];
                if line.trim().is_empty() {
                    body.push(String::new());
                } else if *at > indent {
                    let bi = *block_indent.get_or_insert(*at);
                    if *at < bi {
                        return self.err("block scalar line indented less than its first line");
                    }
                    body.push(line[bi..].to_string());
                } else {
                    break;
                }
                self.pos += 1;
            }
            let trailing = body.iter().rev().take_while(|l| l.is_empty()).count();
            let content = &body[..body.len() - trailing];
            let mut text = String::new();
            if folded {
                let mut previous_text = false;
                for line in content {
                    if line.is_empty() {
                        text.push('\n');
                        previous_text = false;
                    } else {
                        if previous_text {
                            text.push(' ');
                        }
                        text.push_str(line);
                        previous_text = true;
                    }
                }
            } else {
                text = content.join("\n");
            }
            match chomp {
                Some('-') => {}
                Some(_) => text.push_str(&"\n".repeat(trailing + 1)),
                None if !content.is_empty() => text.push('\n'),
                None => {}
            }
            Ok(Value::String(text))
        }
    }

    /// Splits `key: rest` (or `key:`) outside quotes; None when the line is not a mapping entry.
    fn split_key(line: &str) -> Option<(String, String)> {
        let chars: Vec<char> = line.chars().collect();
        let (key, mut at) = match chars.first() {
            Some('"') | Some('\'') => {
                let mut flow = Flow {
                    text: chars.clone(),
                    at: 0,
                };
                let Ok(Value::String(key)) = flow.quoted() else {
                    return None;
                };
                (key, flow.at)
            }
            Some('[') | Some('{') => return None,
            _ => {
                let end = (0..chars.len()).find(|&i| chars[i] == ':' && chars.get(i + 1).is_none_or(|c| *c == ' '))?;
                if chars[..end].contains(&'#') && chars[..end].windows(2).any(|w| w[0] == ' ' && w[1] == '#') {
                    return None;
                }
                (chars[..end].iter().collect::<String>().trim().to_string(), end)
            }
        };
        if chars.get(at) != Some(&':') || chars.get(at + 1).is_some_and(|c| *c != ' ') || key.is_empty() {
            return None;
        }
        at += 1;
        Some((key, chars[at..].iter().collect::<String>().trim().to_string()))
    }

    struct Flow {
        text: Vec<char>,
        at: usize,
    }

    impl Flow {
        fn skip_space(&mut self) {
            while self.at < self.text.len() && self.text[self.at] == ' ' {
                self.at += 1;
            }
        }

        fn value(&mut self, in_flow: bool) -> Result<Value, String> {
            self.skip_space();
            match self.text.get(self.at) {
                Some('"') | Some('\'') => self.quoted(),
                Some('[') => {
                    self.at += 1;
                    let mut items = Vec::new();
                    loop {
                        self.skip_space();
                        if self.text.get(self.at) == Some(&']') {
                            self.at += 1;
                            return Ok(Value::Array(items));
                        }
                        items.push(self.value(true)?);
                        self.skip_space();
                        match self.text.get(self.at) {
                            Some(',') => self.at += 1,
                            Some(']') => {}
                            _ => return Err("expected `,` or `]` in a flow sequence".into()),
                        }
                    }
                }
                Some('{') => {
                    self.at += 1;
                    let mut map = Map::new();
                    loop {
                        self.skip_space();
                        if self.text.get(self.at) == Some(&'}') {
                            self.at += 1;
                            return Ok(Value::Object(map));
                        }
                        let key = match self.value(true)? {
                            Value::String(s) => s,
                            other => other.to_string(),
                        };
                        self.skip_space();
                        if self.text.get(self.at) != Some(&':') {
                            return Err("expected `:` in a flow mapping".into());
                        }
                        self.at += 1;
                        let value = self.value(true)?;
                        map.insert(key, value);
                        self.skip_space();
                        match self.text.get(self.at) {
                            Some(',') => self.at += 1,
                            Some('}') => {}
                            _ => return Err("expected `,` or `}` in a flow mapping".into()),
                        }
                    }
                }
                _ => {
                    let start = self.at;
                    while self.at < self.text.len() {
                        let c = self.text[self.at];
                        let next_space = self.text.get(self.at + 1).is_none_or(|n| *n == ' ');
                        if (c == '#' && self.at > start && self.text[self.at - 1] == ' ')
                            || (in_flow && (c == ',' || c == ']' || c == '}' || (c == ':' && next_space)))
                        {
                            break;
                        }
                        self.at += 1;
                    }
                    let plain: String = self.text[start..self.at].iter().collect();
                    Ok(scalar(plain.trim()))
                }
            }
        }

        fn quoted(&mut self) -> Result<Value, String> {
            let quote = self.text[self.at];
            self.at += 1;
            let mut out = String::new();
            while let Some(&c) = self.text.get(self.at) {
                self.at += 1;
                match (quote, c) {
                    ('\'', '\'') if self.text.get(self.at) == Some(&'\'') => {
                        out.push('\'');
                        self.at += 1;
                    }
                    ('\'', '\'') | ('"', '"') => return Ok(Value::String(out)),
                    ('"', '\\') => {
                        let escaped = self.text.get(self.at).copied().ok_or("unterminated escape")?;
                        self.at += 1;
                        out.push(match escaped {
                            'n' => '\n',
                            't' => '\t',
                            '\\' => '\\',
                            '"' => '"',
                            '/' => '/',
                            other => return Err(format!("unsupported escape \\{other}")),
                        });
                    }
                    _ => out.push(c),
                }
            }
            Err("unterminated quoted string (multi-line quoted scalars are not supported)".into())
        }
    }

    /// A plain scalar: null, bool, integer, float or string, as YAML 1.2's core schema reads them.
    fn scalar(text: &str) -> Value {
        match text {
            "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
            "true" | "True" | "TRUE" => return Value::Bool(true),
            "false" | "False" | "FALSE" => return Value::Bool(false),
            _ => {}
        }
        let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
        if !digits.is_empty()
            && digits.chars().all(|c| c.is_ascii_digit())
            && let Ok(n) = text.parse::<i64>()
        {
            return Value::Number(n.into());
        }
        let float_like = digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
            && digits.contains('.')
            && digits.chars().next().is_some_and(|c| c.is_ascii_digit() || c == '.');
        if float_like && let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64) {
            return Value::Number(n);
        }
        Value::String(text.to_string())
    }

    #[test]
    fn reads_the_constructs_our_files_use() {
        let text = r#"
# comment
a: 1
b: "two # not a comment"   # a comment
c: 'it''s'
d: [x, "y", 3]
e: {k: v}
f:
  - one
  - k: v
    l: w
  -
    - nested
g:
- same indent
h: |
  line one
    indented

  line three
i: >-
  folded
  text

  para
j: 0.5
k: 30s
l: true
m:
n: $1:$2
"#;
        let v = parse(text).expect("parses");
        assert_eq!(v["a"], 1);
        assert_eq!(v["b"], "two # not a comment");
        assert_eq!(v["c"], "it's");
        assert_eq!(v["d"], serde_json::json!(["x", "y", 3]));
        assert_eq!(v["e"], serde_json::json!({"k": "v"}));
        assert_eq!(v["f"], serde_json::json!(["one", {"k": "v", "l": "w"}, ["nested"]]));
        assert_eq!(v["g"], serde_json::json!(["same indent"]));
        assert_eq!(v["h"], "line one\n  indented\n\nline three\n");
        assert_eq!(v["i"], "folded text\npara");
        assert_eq!(v["j"], 0.5);
        assert_eq!(v["k"], "30s");
        assert_eq!(v["l"], true);
        assert_eq!(v["m"], Value::Null);
        assert_eq!(v["n"], "$1:$2");
        assert!(parse("a: 1\n  b: 2\n").is_err(), "bad indentation is refused");
        assert!(parse("a: &x 1\n").is_err(), "anchors are refused");
        assert!(parse("a: 1\na: 2\n").is_err(), "duplicate keys are refused");
    }
}

// ------------------------------------------------------------------------------------------------
// A PromQL reader: metric names, matchers, and the labels each sub-expression keeps

mod promql {
    use std::collections::{BTreeMap, BTreeSet};

    const AGGREGATORS: &[&str] = &[
        "sum",
        "avg",
        "count",
        "min",
        "max",
        "group",
        "stddev",
        "stdvar",
        "topk",
        "bottomk",
        "quantile",
        "count_values",
        "limitk",
        "limit_ratio",
    ];
    const FUNCTIONS: &[&str] = &[
        "abs",
        "absent",
        "absent_over_time",
        "acos",
        "acosh",
        "asin",
        "asinh",
        "atan",
        "atanh",
        "avg_over_time",
        "ceil",
        "changes",
        "clamp",
        "clamp_max",
        "clamp_min",
        "cos",
        "cosh",
        "count_over_time",
        "day_of_month",
        "day_of_week",
        "day_of_year",
        "days_in_month",
        "deg",
        "delta",
        "deriv",
        "double_exponential_smoothing",
        "exp",
        "floor",
        "histogram_avg",
        "histogram_count",
        "histogram_fraction",
        "histogram_quantile",
        "histogram_stddev",
        "histogram_stdvar",
        "histogram_sum",
        "holt_winters",
        "hour",
        "idelta",
        "increase",
        "irate",
        "label_join",
        "label_replace",
        "last_over_time",
        "ln",
        "log10",
        "log2",
        "mad_over_time",
        "max_over_time",
        "min_over_time",
        "minute",
        "month",
        "pi",
        "predict_linear",
        "present_over_time",
        "quantile_over_time",
        "rad",
        "rate",
        "resets",
        "round",
        "scalar",
        "sgn",
        "sin",
        "sinh",
        "sort",
        "sort_by_label",
        "sort_by_label_desc",
        "sort_desc",
        "sqrt",
        "stddev_over_time",
        "stdvar_over_time",
        "sum_over_time",
        "tan",
        "tanh",
        "time",
        "timestamp",
        "vector",
        "year",
    ];
    const SET_OPERATORS: &[&str] = &["and", "or", "unless"];

    pub(super) fn is_metric_name(name: &str) -> bool {
        let mut chars = name.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    }

    /// What is known of the labels of an expression's result.
    #[derive(Debug, Clone, PartialEq)]
    pub(super) enum Labels {
        /// A number, not a vector.
        Scalar,
        /// Exactly these label names may appear.
        Known(BTreeSet<String>),
        /// Not known (an exporter's metric, `absent`, ...): nothing is checked.
        Unknown,
    }

    /// The metrics whose labels are known, and the problems found so far.
    #[derive(Debug)]
    pub(super) struct Env {
        pub(super) metrics: BTreeMap<String, Labels>,
        pub(super) problems: Vec<String>,
    }

    #[derive(Debug, Clone, PartialEq)]
    enum Token {
        Ident(String),
        Number,
        Str(String),
        /// A Grafana variable such as `$__rate_interval` or `${service}`.
        Var,
        Punct(&'static str),
    }

    fn tokens(text: &str) -> Result<Vec<Token>, String> {
        const PUNCT: &[&str] = &[
            "==", "!=", "<=", ">=", "=~", "!~", "(", ")", "{", "}", "[", "]", ",", "+", "-", "*", "/", "%", "^", "<",
            ">", "=", "@", ":",
        ];
        let chars: Vec<char> = text.chars().collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c.is_whitespace() {
                i += 1;
            } else if c == '#' {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            } else if c == '"' || c == '\'' || c == '`' {
                let mut s = String::new();
                i += 1;
                loop {
                    let d = *chars.get(i).ok_or("unterminated string")?;
                    i += 1;
                    if d == c {
                        break;
                    }
                    if d == '\\' && c != '`' {
                        s.push(*chars.get(i).ok_or("unterminated escape")?);
                        i += 1;
                    } else {
                        s.push(d);
                    }
                }
                out.push(Token::Str(s));
            } else if c == '$' {
                i += 1;
                if chars.get(i) == Some(&'{') {
                    while i < chars.len() && chars[i] != '}' {
                        i += 1;
                    }
                    i += 1;
                } else {
                    while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                        i += 1;
                    }
                }
                out.push(Token::Var);
            } else if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
                while i < chars.len() {
                    let d = chars[i];
                    let exponent_sign = (d == '-' || d == '+') && matches!(chars[i - 1], 'e' | 'E');
                    if d.is_ascii_alphanumeric() || d == '.' || d == '_' || exponent_sign {
                        i += 1;
                    } else {
                        break;
                    }
                }
                out.push(Token::Number);
            } else if c.is_ascii_alphabetic()
                || c == '_'
                || (c == ':' && chars.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic()))
            {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == ':') {
                    i += 1;
                }
                out.push(Token::Ident(chars[start..i].iter().collect()));
            } else if let Some(p) = PUNCT
                .iter()
                .find(|p| chars[i..].starts_with(&p.chars().collect::<Vec<_>>()))
            {
                out.push(Token::Punct(p));
                i += p.len();
            } else {
                return Err(format!("unexpected character {c:?}"));
            }
        }
        Ok(out)
    }

    /// A selector as written: metric name (if any) and the label names of its matchers.
    #[derive(Debug, Clone)]
    struct Selector {
        name: Option<String>,
        matchers: Vec<String>,
    }

    /// The expression tree, as far as names and labels are concerned.
    #[derive(Debug, Clone)]
    enum Node {
        Scalar,
        Selector(Selector),
        Aggregate {
            op: String,
            grouping: Option<(bool, Vec<String>)>,
            args: Vec<Node>,
        },
        Call {
            name: String,
            args: Vec<Node>,
            strings: Vec<String>,
        },
        Binary {
            op: String,
            lhs: Box<Node>,
            rhs: Box<Node>,
            matching: Option<(bool, Vec<String>)>,
            group: Option<(bool, Vec<String>)>,
        },
    }

    /// A parsed expression.
    #[derive(Debug)]
    pub(super) struct Parsed {
        root: Node,
        /// For a Grafana `label_values(selector, label)`, the label.
        label: Option<String>,
    }

    impl Parsed {
        pub(super) fn of(text: &str) -> Result<Self, String> {
            let mut parser = Parser {
                tokens: tokens(text)?,
                at: 0,
            };
            let root = parser.expr()?;
            if parser.at != parser.tokens.len() {
                return Err(format!("unexpected {:?}", parser.tokens[parser.at]));
            }
            Ok(Self { root, label: None })
        }

        /// Grafana's `label_values(selector, label)` or `label_values(label)`.
        pub(super) fn label_values(text: &str) -> Result<Self, String> {
            let inner = text
                .trim()
                .strip_prefix("label_values(")
                .and_then(|t| t.strip_suffix(')'))
                .ok_or("only label_values(...) variable queries are supported")?;
            match inner.rsplit_once(',') {
                Some((selector, label)) => {
                    let mut parsed = Self::of(selector)?;
                    parsed.label = Some(label.trim().to_string());
                    Ok(parsed)
                }
                None => Ok(Self {
                    root: Node::Scalar,
                    label: Some(inner.trim().to_string()),
                }),
            }
        }

        /// Every metric name the expression reads.
        pub(super) fn names(&self) -> BTreeSet<String> {
            let mut out = BTreeSet::new();
            collect_names(&self.root, &mut out);
            out
        }

        /// Checks labels against what is known, recording problems in `env`; returns the labels of
        /// the result.
        pub(super) fn check(&self, env: &mut Env) -> Labels {
            let labels = check(&self.root, env);
            if let (Some(label), Labels::Known(known)) = (&self.label, &labels)
                && !known.contains(label)
            {
                env.problems.push(format!(
                    "label_values asks for {label:?}, which the series do not have ({known:?})"
                ));
            }
            labels
        }
    }

    fn collect_names(node: &Node, out: &mut BTreeSet<String>) {
        match node {
            Node::Scalar => {}
            Node::Selector(s) => out.extend(s.name.clone()),
            Node::Aggregate { args, .. } | Node::Call { args, .. } => args.iter().for_each(|a| collect_names(a, out)),
            Node::Binary { lhs, rhs, .. } => {
                collect_names(lhs, out);
                collect_names(rhs, out);
            }
        }
    }

    fn require(env: &mut Env, what: &str, labels: &[String], on: &Labels) {
        if let Labels::Known(known) = on {
            for label in labels {
                if !known.contains(label) {
                    env.problems.push(format!(
                        "{what} uses label {label:?}, which the series there do not have ({known:?})"
                    ));
                }
            }
        }
    }

    fn check(node: &Node, env: &mut Env) -> Labels {
        match node {
            Node::Scalar => Labels::Scalar,
            Node::Selector(selector) => {
                let Some(name) = &selector.name else {
                    return Labels::Unknown;
                };
                let labels = env.metrics.get(name).cloned().unwrap_or(Labels::Unknown);
                let matchers: Vec<String> = selector.matchers.iter().filter(|m| *m != "__name__").cloned().collect();
                require(env, &format!("the selector of {name}"), &matchers, &labels);
                labels
            }
            Node::Aggregate { op, grouping, args } => {
                let inputs: Vec<Labels> = args.iter().map(|a| check(a, env)).collect();
                let input = inputs.last().cloned().unwrap_or(Labels::Unknown);
                match (op.as_str(), grouping) {
                    ("count_values", _) => Labels::Unknown,
                    (_, Some((true, by))) => {
                        require(env, &format!("{op} by"), by, &input);
                        Labels::Known(by.iter().cloned().collect())
                    }
                    (_, Some((false, without))) => {
                        require(env, &format!("{op} without"), without, &input);
                        match input {
                            Labels::Known(k) => Labels::Known(k.into_iter().filter(|l| !without.contains(l)).collect()),
                            other => other,
                        }
                    }
                    ("topk" | "bottomk" | "limitk" | "limit_ratio", None) => input,
                    (_, None) => Labels::Known(BTreeSet::new()),
                }
            }
            Node::Call { name, args, strings } => {
                let inputs: Vec<Labels> = args.iter().map(|a| check(a, env)).collect();
                let vector = |i: usize| inputs.get(i).cloned().unwrap_or(Labels::Unknown);
                match name.as_str() {
                    "absent" | "absent_over_time" | "scalar" => Labels::Unknown,
                    "vector" | "time" | "pi" => Labels::Known(BTreeSet::new()),
                    "histogram_quantile" | "histogram_fraction" => {
                        let input = vector(inputs.len().saturating_sub(1));
                        require(env, name, &["le".to_string()], &input);
                        match input {
                            Labels::Known(k) => Labels::Known(k.into_iter().filter(|l| l != "le").collect()),
                            other => other,
                        }
                    }
                    "quantile_over_time" => vector(1),
                    "label_replace" | "label_join" => match vector(0) {
                        Labels::Known(mut k) => {
                            if name == "label_replace" {
                                let sources: Vec<String> =
                                    strings.get(2).into_iter().filter(|s| !s.is_empty()).cloned().collect();
                                require(env, name, &sources, &Labels::Known(k.clone()));
                            }
                            k.extend(strings.first().cloned());
                            Labels::Known(k)
                        }
                        other => other,
                    },
                    _ => vector(0),
                }
            }
            Node::Binary {
                op,
                lhs,
                rhs,
                matching,
                group,
            } => {
                let l = check(lhs, env);
                let r = check(rhs, env);
                if let Some((true, labels)) = matching {
                    require(env, &format!("`{op} on` (left)"), labels, &l);
                    require(env, &format!("`{op} on` (right)"), labels, &r);
                }
                let extra = group.as_ref().map(|(_, g)| g.clone()).unwrap_or_default();
                match group {
                    Some((true, _)) => require(env, "group_left", &extra, &r),
                    Some((false, _)) => require(env, "group_right", &extra, &l),
                    None => {}
                }
                match (l, r) {
                    (Labels::Scalar, other) | (other, Labels::Scalar) => other,
                    (Labels::Known(a), Labels::Known(b)) if op == "or" => Labels::Known(a.union(&b).cloned().collect()),
                    (l, r) => {
                        let base = if matches!(group, Some((false, _))) { r } else { l };
                        match base {
                            Labels::Known(mut k) => {
                                k.extend(extra);
                                Labels::Known(k)
                            }
                            other => other,
                        }
                    }
                }
            }
        }
    }

    struct Parser {
        tokens: Vec<Token>,
        at: usize,
    }

    impl Parser {
        fn peek(&self) -> Option<&Token> {
            self.tokens.get(self.at)
        }

        fn peek_at(&self, offset: usize) -> Option<&Token> {
            self.tokens.get(self.at + offset)
        }

        fn is_punct(&self, p: &str) -> bool {
            matches!(self.peek(), Some(Token::Punct(q)) if *q == p)
        }

        fn is_ident(&self, word: &str) -> bool {
            matches!(self.peek(), Some(Token::Ident(w)) if w == word)
        }

        fn expect(&mut self, p: &str) -> Result<(), String> {
            if self.is_punct(p) {
                self.at += 1;
                Ok(())
            } else {
                Err(format!("expected `{p}`, found {:?}", self.peek()))
            }
        }

        /// The binary operator at the cursor and its precedence (PromQL's: `or` lowest, `^` highest).
        fn binary_operator(&self) -> Option<(String, u8)> {
            let op = match self.peek()? {
                Token::Punct(p) => p.to_string(),
                Token::Ident(w) => w.clone(),
                _ => return None,
            };
            let precedence = match op.as_str() {
                "or" => 1,
                "and" | "unless" => 2,
                "==" | "!=" | "<=" | ">=" | "<" | ">" => 3,
                "+" | "-" => 4,
                "*" | "/" | "%" | "atan2" => 5,
                "^" => 6,
                _ => return None,
            };
            Some((op, precedence))
        }

        fn expr(&mut self) -> Result<Node, String> {
            self.expr_above(0)
        }

        /// Precedence climbing; `^` is right-associative.
        fn expr_above(&mut self, min: u8) -> Result<Node, String> {
            let mut lhs = self.unary()?;
            while let Some((op, precedence)) = self.binary_operator() {
                if precedence < min {
                    break;
                }
                self.at += 1;
                if self.is_ident("bool") {
                    self.at += 1;
                }
                let mut matching = None;
                let mut group = None;
                if self.is_ident("on") || self.is_ident("ignoring") {
                    let on = self.is_ident("on");
                    self.at += 1;
                    matching = Some((on, self.label_list()?));
                    if self.is_ident("group_left") || self.is_ident("group_right") {
                        let left = self.is_ident("group_left");
                        self.at += 1;
                        let extra = if self.is_punct("(") {
                            self.label_list()?
                        } else {
                            Vec::new()
                        };
                        group = Some((left, extra));
                    }
                }
                let rhs = self.expr_above(if op == "^" { precedence } else { precedence + 1 })?;
                lhs = Node::Binary {
                    op,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                    matching,
                    group,
                };
            }
            Ok(lhs)
        }

        fn unary(&mut self) -> Result<Node, String> {
            if self.is_punct("-") || self.is_punct("+") {
                self.at += 1;
                return self.unary();
            }
            let node = self.primary()?;
            self.postfix(node)
        }

        fn postfix(&mut self, node: Node) -> Result<Node, String> {
            loop {
                if self.is_punct("[") {
                    self.at += 1;
                    self.duration()?;
                    if self.is_punct(":") {
                        self.at += 1;
                        if !self.is_punct("]") {
                            self.duration()?;
                        }
                    }
                    self.expect("]")?;
                } else if self.is_ident("offset") {
                    self.at += 1;
                    if self.is_punct("-") {
                        self.at += 1;
                    }
                    self.duration()?;
                } else if self.is_punct("@") {
                    self.at += 1;
                    match self.peek() {
                        Some(Token::Number) | Some(Token::Var) => self.at += 1,
                        Some(Token::Ident(w)) if w == "start" || w == "end" => {
                            self.at += 1;
                            self.expect("(")?;
                            self.expect(")")?;
                        }
                        other => return Err(format!("unexpected {other:?} after @")),
                    }
                } else {
                    return Ok(node);
                }
            }
        }

        fn duration(&mut self) -> Result<(), String> {
            match self.peek() {
                Some(Token::Number) | Some(Token::Var) => {
                    self.at += 1;
                    Ok(())
                }
                other => Err(format!("expected a duration, found {other:?}")),
            }
        }

        fn label_list(&mut self) -> Result<Vec<String>, String> {
            self.expect("(")?;
            let mut labels = Vec::new();
            while !self.is_punct(")") {
                match self.peek() {
                    Some(Token::Ident(label)) => labels.push(label.clone()),
                    other => return Err(format!("expected a label name, found {other:?}")),
                }
                self.at += 1;
                if self.is_punct(",") {
                    self.at += 1;
                } else if !self.is_punct(")") {
                    return Err(format!("expected `,` or `)` in a label list, found {:?}", self.peek()));
                }
            }
            self.at += 1;
            Ok(labels)
        }

        fn matchers(&mut self) -> Result<Vec<String>, String> {
            self.expect("{")?;
            let mut labels = Vec::new();
            while !self.is_punct("}") {
                let label = match self.peek() {
                    Some(Token::Ident(label)) => label.clone(),
                    other => return Err(format!("expected a label name in a selector, found {other:?}")),
                };
                self.at += 1;
                match self.peek() {
                    Some(Token::Punct(op)) if ["=", "!=", "=~", "!~"].contains(op) => self.at += 1,
                    other => return Err(format!("expected a matcher operator, found {other:?}")),
                }
                match self.peek() {
                    Some(Token::Str(_)) => self.at += 1,
                    other => return Err(format!("expected a quoted value, found {other:?}")),
                }
                labels.push(label);
                if self.is_punct(",") {
                    self.at += 1;
                } else if !self.is_punct("}") {
                    return Err(format!("expected `,` or `}}` after a matcher, found {:?}", self.peek()));
                }
            }
            self.at += 1;
            Ok(labels)
        }

        fn arguments(&mut self) -> Result<(Vec<Node>, Vec<String>), String> {
            self.expect("(")?;
            let mut args = Vec::new();
            let mut strings = Vec::new();
            while !self.is_punct(")") {
                if let Some(Token::Str(s)) = self.peek() {
                    strings.push(s.clone());
                    self.at += 1;
                } else {
                    args.push(self.expr()?);
                }
                if self.is_punct(",") {
                    self.at += 1;
                } else if !self.is_punct(")") {
                    return Err(format!("expected `,` or `)`, found {:?}", self.peek()));
                }
            }
            self.at += 1;
            Ok((args, strings))
        }

        fn grouping(&mut self) -> Result<Option<(bool, Vec<String>)>, String> {
            if self.is_ident("by") || self.is_ident("without") {
                let by = self.is_ident("by");
                self.at += 1;
                return Ok(Some((by, self.label_list()?)));
            }
            Ok(None)
        }

        fn primary(&mut self) -> Result<Node, String> {
            let token = self.peek().cloned().ok_or("unexpected end of expression")?;
            match token {
                Token::Number | Token::Var | Token::Str(_) => {
                    self.at += 1;
                    Ok(Node::Scalar)
                }
                Token::Punct("(") => {
                    self.at += 1;
                    let inner = self.expr()?;
                    self.expect(")")?;
                    Ok(inner)
                }
                Token::Punct("{") => {
                    let matchers = self.matchers()?;
                    Ok(Node::Selector(Selector { name: None, matchers }))
                }
                Token::Ident(word) => {
                    let lower = word.to_ascii_lowercase();
                    if lower == "inf" || lower == "nan" {
                        self.at += 1;
                        return Ok(Node::Scalar);
                    }
                    let next_is_paren = matches!(self.peek_at(1), Some(Token::Punct("(")));
                    let next_is_grouping =
                        matches!(self.peek_at(1), Some(Token::Ident(w)) if w == "by" || w == "without");
                    if AGGREGATORS.contains(&word.as_str()) && (next_is_paren || next_is_grouping) {
                        self.at += 1;
                        let mut grouping = self.grouping()?;
                        let (mut args, _) = self.arguments()?;
                        if grouping.is_none() {
                            grouping = self.grouping()?;
                        }
                        if matches!(
                            word.as_str(),
                            "topk" | "bottomk" | "quantile" | "limitk" | "limit_ratio"
                        ) && args.len() == 2
                        {
                            args.remove(0);
                        }
                        return Ok(Node::Aggregate {
                            op: word,
                            grouping,
                            args,
                        });
                    }
                    if next_is_paren {
                        if !FUNCTIONS.contains(&word.as_str()) {
                            return Err(format!("unknown function {word}"));
                        }
                        self.at += 1;
                        let (args, strings) = self.arguments()?;
                        return Ok(Node::Call {
                            name: word,
                            args,
                            strings,
                        });
                    }
                    if !is_metric_name(&word) || SET_OPERATORS.contains(&word.as_str()) {
                        return Err(format!("unexpected {word}"));
                    }
                    self.at += 1;
                    let matchers = if self.is_punct("{") {
                        self.matchers()?
                    } else {
                        Vec::new()
                    };
                    Ok(Node::Selector(Selector {
                        name: Some(word),
                        matchers,
                    }))
                }
                other => Err(format!("unexpected {other:?}")),
            }
        }
    }

    #[test]
    fn reads_names_and_labels() {
        let p = Parsed::of(
            r#"sum by (service, le) (rate(http_request_duration_seconds_bucket{service=~"$service", method!="GET"}[$__rate_interval]))
               / on (service) group_left (pod) max by (service, pod) (up offset 5m) > bool 0.5
               or vector(0) unless absent(foo{a="b"}) and histogram_quantile(0.9, x:y:z) + -Inf"#,
        )
        .expect("parses");
        let names: Vec<String> = p.names().into_iter().collect();
        assert_eq!(names, ["foo", "http_request_duration_seconds_bucket", "up", "x:y:z"]);
        assert!(Parsed::of("rate(x[5m]").is_err());
        assert!(Parsed::of("notafunction(x)").is_err());
        assert!(Parsed::of(r#"x{a="b" c="d"}"#).is_err());

        let mut env = Env {
            metrics: BTreeMap::new(),
            problems: Vec::new(),
        };
        env.metrics.insert(
            "m".into(),
            Labels::Known(["service".to_string(), "le".to_string()].into()),
        );
        let labels = Parsed::of(r#"histogram_quantile(0.5, sum by (service, le) (rate(m{service="a"}[5m])))"#)
            .expect("parses")
            .check(&mut env);
        assert_eq!(labels, Labels::Known(["service".to_string()].into()));
        assert!(env.problems.is_empty(), "{:?}", env.problems);
        Parsed::of(r#"sum by (pod) (m{endpoint="x"})"#)
            .expect("parses")
            .check(&mut env);
        assert_eq!(env.problems.len(), 2, "{:?}", env.problems);
        let lv = Parsed::label_values("label_values(m, nope)").expect("parses");
        lv.check(&mut env);
        assert_eq!(env.problems.len(), 3, "{:?}", env.problems);
    }
}
