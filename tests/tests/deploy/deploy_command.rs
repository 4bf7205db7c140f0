//! `make deploy` as a new user meets it: `DRY_RUN=1` prints one function's valid YAML and nothing
//! else; without a cluster it stops with one clear line, not a stack trace.

use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::manifests::{python_on, repo, validate};

fn deploy(vars: &[(&str, &str)]) -> Output {
    Command::new("make")
        .args(["--no-print-directory", "deploy"])
        .current_dir(repo())
        .env("KUBECONFIG", repo().join("target/no-such-kubeconfig"))
        .envs(vars.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("make deploy")
}

#[test]
fn a_dry_run_prints_valid_yaml_of_the_one_function_asked_for() {
    for variant in ["knative", "keda"] {
        let out = deploy(&[
            ("FN", "task-api"),
            ("ENV", "dev"),
            ("DRY_RUN", "1"),
            ("VARIANT", variant),
        ]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        // Valid: the same validator as every overlay.
        if let Err(complaints) = validate(&out.stdout) {
            panic!("{variant}: {complaints}");
        }
        // Alone: every object is task-api's, and its workload is among them.
        let as_json = python_on(
            &[
                "-c",
                "import sys, json, yaml; print(json.dumps([d for d in yaml.safe_load_all(sys.stdin) if d]))",
            ],
            &out.stdout,
        );
        let objects: Vec<Value> = serde_json::from_slice(&as_json.stdout).expect("objects");
        assert!(!objects.is_empty());
        for object in &objects {
            assert_eq!(
                object["metadata"]["labels"]["app.kubernetes.io/name"], "task-api",
                "{variant}: {} {} is not task-api's",
                object["kind"], object["metadata"]["name"]
            );
        }
        let workload = if variant == "knative" { "Service" } else { "Deployment" };
        assert!(
            objects.iter().any(|o| o["kind"] == workload),
            "{variant}: no {workload}"
        );
    }
}

#[test]
fn without_a_cluster_deploy_says_so_in_one_line() {
    let out = deploy(&[("FN", "task-api"), ("ENV", "dev")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("no Kubernetes cluster reachable"), "{stderr}");
    assert!(
        stderr.contains("DRY_RUN=1"),
        "it says how to see the manifests anyway: {stderr}"
    );
    let unknown = deploy(&[("FN", "task-apl"), ("ENV", "dev"), ("DRY_RUN", "1")]);
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(!unknown.status.success());
    assert!(
        stderr.contains("task-apl") && stderr.contains("task-api"),
        "names the known functions: {stderr}"
    );
}
