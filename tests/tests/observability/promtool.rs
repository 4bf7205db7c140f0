//! The Prometheus configuration, the rule files and the rule unit tests, run through promtool
//! itself: only the real tool proves Prometheus will load what we ship.
//!
//! Debian's promtool is built without Kubernetes discovery, so when it refuses
//! `kubernetes_sd_configs` the config is checked as a copy that swaps each such block (after
//! checking its role and keys here) for a `file_sd_configs`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::{files, get, list, obs, str_of, yaml_file};

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
