//! `observability/alertmanager/alertmanager.yml` through amtool (it loads, and each severity
//! reaches the receivers it should), and against `prometheus/rules/alerts.yml`: every severity has
//! a route, inhibit rules name alerts that exist and compare labels both sides carry, and secrets
//! are only read from files.
//!
//! amtool comes from the Debian package `prometheus-alertmanager` (`scripts/build-deps.sh`). Without
//! it the amtool tests fail when `CI=true` and are skipped with a message otherwise.

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

use crate::{get, list, obs, str_of, yaml_file};

/// The receivers amtool must resolve for each severity, and the integrations they must have:
/// every alert goes to aiops (a webhook) first, then to the people its severity calls for.
const ROUTES: &[(&str, &[&str], &[&str])] = &[
    ("P1", &["aiops", "pagerduty-oncall"], &["pagerduty", "webhook"]),
    (
        "P2",
        &["aiops", "email-oncall", "slack-alerts"],
        &["email", "slack", "webhook"],
    ),
    ("P3", &["aiops", "slack-alerts"], &["slack", "webhook"]),
    ("P4", &["aiops", "log-only"], &["webhook"]),
];

/// Keys that would hold a secret inline; each has a `*_file` twin that we use instead.
const INLINE_SECRETS: &[&str] = &[
    "api_url",
    "slack_api_url",
    "routing_key",
    "service_key",
    "auth_password",
    "smtp_auth_password",
    "auth_secret",
    "smtp_auth_secret",
    "api_key",
    "opsgenie_api_key",
    "victorops_api_key",
    "password",
    "credentials",
    "bearer_token",
];

fn config_path() -> std::path::PathBuf {
    obs("alertmanager/alertmanager.yml")
}

/// amtool, or `None` (after saying so) when it is missing outside CI.
fn amtool() -> Option<&'static str> {
    match Command::new("amtool").arg("--version").output() {
        Ok(out) if out.status.success() => Some("amtool"),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => panic!(
            "amtool is missing in CI: scripts/build-deps.sh (make deps) must install it (apt-get install prometheus-alertmanager)"
        ),
        _ => {
            eprintln!(
                "skipped: amtool is missing; install it with `apt-get install prometheus-alertmanager` (or `make deps`)"
            );
            None
        }
    }
}

/// Runs amtool, failing loudly with its output; its standard output.
fn run_amtool(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run amtool {args:?}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "amtool {} failed:\n{stdout}{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// An alert of alerts.yml: its name, severity, and the annotation text that names its labels.
struct Alert {
    name: String,
    severity: String,
    text: String,
}

impl Alert {
    /// Whether the alert has `label`: its annotations print it (`{{ $labels.topic }}`).
    fn carries(&self, label: &str) -> bool {
        self.text.contains(&format!("$labels.{label} "))
    }
}

fn alerts() -> Vec<Alert> {
    let rules = yaml_file(&obs("prometheus/rules/alerts.yml"));
    list(get(&rules, "groups"))
        .iter()
        .flat_map(|g| list(get(g, "rules")))
        .filter(|r| !str_of(r, "alert").is_empty())
        .map(|r| Alert {
            name: str_of(r, "alert").to_string(),
            severity: str_of(get(r, "labels"), "severity").to_string(),
            text: serde_json::to_string(get(r, "annotations")).expect("json"),
        })
        .collect()
}

/// The labels Prometheus adds to every alert it sends (`global.external_labels`).
fn external_labels() -> BTreeSet<String> {
    let config = yaml_file(&obs("prometheus/prometheus.yml"));
    let labels = get(get(&config, "global"), "external_labels");
    labels.as_object().into_iter().flat_map(|m| m.keys().cloned()).collect()
}

/// One Alertmanager matcher, `label="v"`, `label!="v"`, `label=~"a|b"` or `label!~"a|b"`.
struct Matcher {
    label: String,
    op: String,
    value: String,
}

fn matcher(text: &str) -> Matcher {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    let rest = &text[end..];
    let op = ["=~", "!~", "!=", "="]
        .into_iter()
        .find(|op| rest.starts_with(op))
        .unwrap_or_else(|| panic!("matcher {text:?}: no operator after the label"));
    let value = rest[op.len()..].trim();
    Matcher {
        label: text[..end].to_string(),
        op: op.to_string(),
        value: value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value)
            .to_string(),
    }
}

impl Matcher {
    /// The values a regex matcher lists; anything but a list of names fails, so that the checks
    /// below are extended rather than fooled.
    fn names(&self) -> Vec<&str> {
        if !self.op.contains('~') {
            return vec![self.value.as_str()];
        }
        let names: Vec<&str> = self.value.split('|').collect();
        assert!(
            names
                .iter()
                .all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')),
            "matcher {}{}\"{}\": only lists of names (a|b) are understood here",
            self.label,
            self.op,
            self.value
        );
        names
    }

    /// `label=~".+"` or `label!=""`: the label must be present.
    fn requires(&self, label: &str) -> bool {
        self.label == label && ((self.op == "=~" && self.value == ".+") || (self.op == "!=" && self.value.is_empty()))
    }

    /// Whether it selects `alert`; matchers on other labels than alertname/severity do not exclude.
    fn selects(&self, alert: &Alert) -> bool {
        let actual = match self.label.as_str() {
            "alertname" => &alert.name,
            "severity" => &alert.severity,
            _ => return true,
        };
        self.names().contains(&actual.as_str()) != self.op.starts_with('!')
    }
}

fn matchers(value: &Value) -> Vec<Matcher> {
    list(value).iter().map(|m| matcher(m.as_str().unwrap_or(""))).collect()
}

/// The integration kinds of a receiver (`slack` for `slack_configs`, ...).
fn integrations(config: &Value, receiver: &str) -> Vec<String> {
    let found = list(get(config, "receivers"))
        .iter()
        .find(|r| str_of(r, "name") == receiver);
    let found = found.unwrap_or_else(|| panic!("no receiver {receiver}"));
    let mut kinds: Vec<String> = found
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, v)| !list(v).is_empty())
        .filter_map(|(k, _)| k.strip_suffix("_configs").map(str::to_string))
        .collect();
    kinds.sort();
    kinds
}

#[test]
fn alertmanager_config_passes_amtool_check_config() {
    let Some(tool) = amtool() else { return };
    let out = run_amtool(tool, &["check-config", &config_path().to_string_lossy()]);
    assert!(out.contains("SUCCESS"), "amtool check-config:\n{out}");
}

#[test]
fn each_severity_reaches_its_receivers() {
    let Some(tool) = amtool() else { return };
    let config = yaml_file(&config_path());
    let file = format!("--config.file={}", config_path().display());
    let mut problems = Vec::new();
    for (severity, receivers, kinds) in ROUTES {
        let label = format!("severity={severity}");
        let out = run_amtool(tool, &["config", "routes", "test", &file, "alertname=Probe", &label]);
        let got: Vec<&str> = out.trim().split(',').collect();
        if got != *receivers {
            problems.push(format!("{severity} reaches {got:?}, expected {receivers:?}"));
        }
        let mut got_kinds: Vec<String> = got.iter().flat_map(|r| integrations(&config, r)).collect();
        got_kinds.sort();
        got_kinds.dedup();
        if got_kinds != *kinds {
            problems.push(format!("{severity} is sent by {got_kinds:?}, expected {kinds:?}"));
        }
    }
    assert!(problems.is_empty(), "routing:\n  {}", problems.join("\n  "));
}

#[test]
fn every_severity_in_the_alert_rules_has_its_own_route() {
    let config = yaml_file(&config_path());
    let routes = list(get(get(&config, "route"), "routes"));
    let severities: BTreeSet<String> = alerts().into_iter().map(|a| a.severity).collect();
    let unrouted: Vec<&String> = severities
        .iter()
        .filter(|severity| {
            let probe = Alert {
                name: String::new(),
                severity: (*severity).clone(),
                text: String::new(),
            };
            !routes.iter().any(|r| {
                let ms = matchers(get(r, "matchers"));
                ms.iter().any(|m| m.label == "severity") && ms.iter().all(|m| m.selects(&probe))
            })
        })
        .collect();
    assert!(unrouted.is_empty(), "severities without a route: {unrouted:?}");
}

#[test]
fn inhibit_rules_name_alerts_and_severities_that_exist() {
    let config = yaml_file(&config_path());
    let alerts = alerts();
    let mut problems = Vec::new();
    for (i, rule) in list(get(&config, "inhibit_rules")).iter().enumerate() {
        for legacy in ["source_match", "source_match_re", "target_match", "target_match_re"] {
            if !get(rule, legacy).is_null() {
                problems.push(format!("rule {i}: {legacy} is deprecated, use source_/target_matchers"));
            }
        }
        for side in ["source_matchers", "target_matchers"] {
            let ms = matchers(get(rule, side));
            for m in ms.iter().filter(|m| m.label == "alertname" || m.label == "severity") {
                for name in m.names() {
                    let known = alerts
                        .iter()
                        .any(|a| name == if m.label == "alertname" { &a.name } else { &a.severity });
                    if !known {
                        problems.push(format!("rule {i}: {side} names {}={name}, which no alert has", m.label));
                    }
                }
            }
            if !alerts.iter().any(|a| ms.iter().all(|m| m.selects(a))) {
                problems.push(format!("rule {i}: {side} select no alert of alerts.yml"));
            }
        }
    }
    assert!(problems.is_empty(), "inhibit_rules:\n  {}", problems.join("\n  "));
}

/// Alertmanager treats an `equal` label missing on both sides as equal: a rule comparing a label
/// its alerts lack silences unrelated alerts. Each label must be an external label, be carried by
/// every alert either side selects, or be required (`label=~".+"`) on both sides.
#[test]
fn inhibit_rules_compare_labels_both_sides_carry() {
    let config = yaml_file(&config_path());
    let (alerts, external) = (alerts(), external_labels());
    let mut problems = Vec::new();
    for (i, rule) in list(get(&config, "inhibit_rules")).iter().enumerate() {
        let (source, target) = (
            matchers(get(rule, "source_matchers")),
            matchers(get(rule, "target_matchers")),
        );
        for label in list(get(rule, "equal")).iter().filter_map(Value::as_str) {
            let required = source.iter().any(|m| m.requires(label)) && target.iter().any(|m| m.requires(label));
            if external.contains(label) || required {
                continue;
            }
            for side in [&source, &target] {
                for alert in alerts.iter().filter(|a| side.iter().all(|m| m.selects(a))) {
                    if !alert.carries(label) {
                        problems.push(format!("rule {i}: equal {label}, which {} does not carry", alert.name));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "inhibit_rules:\n  {}", problems.join("\n  "));
}

#[test]
fn alerts_are_grouped_by_labels_they_have() {
    let config = yaml_file(&config_path());
    let (alerts, external) = (alerts(), external_labels());
    let route = get(&config, "route");
    let mut group_by: Vec<&Value> = list(get(route, "group_by")).iter().collect();
    group_by.extend(list(get(route, "routes")).iter().flat_map(|r| list(get(r, "group_by"))));
    assert!(!group_by.is_empty(), "the root route has no group_by");
    let unknown: Vec<&str> = group_by
        .into_iter()
        .filter_map(Value::as_str)
        .filter(|l| *l != "alertname" && !external.contains(*l) && !alerts.iter().any(|a| a.carries(l)))
        .collect();
    assert!(unknown.is_empty(), "group_by labels no alert has: {unknown:?}");
}

#[test]
fn secrets_are_read_from_files_under_etc_alertmanager_secrets() {
    fn walk(value: &Value, path: &str, problems: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    let at = format!("{path}.{key}");
                    if INLINE_SECRETS.contains(&key.as_str()) {
                        problems.push(format!("{at}: inline secret, use {key}_file"));
                    }
                    if key.ends_with("_file")
                        && !v.as_str().is_some_and(|f| f.starts_with("/etc/alertmanager/secrets/"))
                    {
                        problems.push(format!("{at}: {v} is not under /etc/alertmanager/secrets/"));
                    }
                    walk(v, &at, problems);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, path, problems)),
            _ => {}
        }
    }
    let config = yaml_file(&config_path());
    let mut problems = Vec::new();
    walk(&config, "", &mut problems);
    assert!(problems.is_empty(), "alertmanager.yml:\n  {}", problems.join("\n  "));
}
