//! The manifests as the cluster would receive them, and the functions as their crates describe
//! them: `scripts/render_manifests.py` renders an overlay with a real kustomize (`kubectl
//! kustomize`) into JSON, and the `todo` binary prints the descriptions (`todo functions --json`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The variants and the environments each has.
pub(crate) const VARIANTS: [&str; 2] = ["knative", "keda"];
/// The overlays of every variant.
pub(crate) const ENVIRONMENTS: [&str; 3] = ["dev", "staging", "prod"];

/// The repository's root.
pub(crate) fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repo root")
        .to_path_buf()
}

/// The Python that has the manifest tools' packages (`.venv-tools`, made by `make
/// manifest-tools`), or the system's.
pub(crate) fn python() -> PathBuf {
    let tools = repo().join(".venv-tools/bin/python");
    if tools.exists() {
        tools
    } else {
        PathBuf::from("python3")
    }
}

/// Runs a Python script of `scripts/` (or `-c` code) on `input`; its output.
pub(crate) fn python_on(args: &[&str], input: &[u8]) -> std::process::Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(python())
        .args(args)
        .current_dir(repo())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("python {args:?}: {e}"));
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("feed python");
    child.wait_with_output().expect("python ran")
}

/// `scripts/validate_manifests.py` on a YAML stream: `Err` with its complaints.
pub(crate) fn validate(yaml: &[u8]) -> Result<(), String> {
    let out = python_on(&["scripts/validate_manifests.py", "-"], yaml);
    if out.status.success() {
        return Ok(());
    }
    Err(format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    ))
}

/// The objects of `variant`'s overlay `environment`, rendered by kustomize once per test binary
/// (many tests read the same overlays; the files do not change while they run).
pub(crate) fn render(variant: &str, environment: &str) -> Vec<Value> {
    type Rendered = std::sync::Mutex<BTreeMap<(String, String), Vec<Value>>>;
    static RENDERED: std::sync::OnceLock<Rendered> = std::sync::OnceLock::new();
    let cache = RENDERED.get_or_init(Rendered::default);
    let key = (variant.to_owned(), environment.to_owned());
    if let Some(objects) = cache.lock().expect("render cache").get(&key) {
        return objects.clone();
    }
    let objects = render_with_kustomize(variant, environment);
    cache.lock().expect("render cache").insert(key, objects.clone());
    objects
}

fn render_with_kustomize(variant: &str, environment: &str) -> Vec<Value> {
    let output = Command::new(python())
        .current_dir(repo())
        .args(["scripts/render_manifests.py", variant, environment, "--json"])
        .output()
        .expect("run scripts/render_manifests.py (python3; make manifest-tools installs its packages)");
    assert!(
        output.status.success(),
        "rendering {variant}/{environment} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let objects: Vec<Value> = serde_json::from_slice(&output.stdout).expect("rendered JSON");
    assert!(!objects.is_empty(), "{variant}/{environment} rendered nothing");
    objects
}

/// Every function's description, by name.
pub(crate) fn functions() -> BTreeMap<String, Value> {
    let output = Command::new(todo_tests::processes::binary("todo"))
        .args(["functions", "--json"])
        .output()
        .expect("run todo functions --json");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let described: Vec<Value> = serde_json::from_slice(&output.stdout).expect("descriptions");
    described
        .into_iter()
        .map(|f| (f["name"].as_str().expect("name").to_owned(), f))
        .collect()
}

/// The objects of `kind`.
pub(crate) fn of_kind<'a>(objects: &'a [Value], kind: &str) -> Vec<&'a Value> {
    objects.iter().filter(|o| o["kind"] == kind).collect()
}

/// The object of `kind` called `name`.
pub(crate) fn named<'a>(objects: &'a [Value], kind: &str, name: &str) -> Option<&'a Value> {
    objects
        .iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
}

/// A JSON value's string items.
pub(crate) fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| items.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// Where a container's variable comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    /// A literal value (never allowed: settings come from ConfigMaps and Secrets).
    Literal(String),
    /// `configMapKeyRef`.
    ConfigMap { name: String, key: String },
    /// `secretKeyRef`.
    Secret { name: String, key: String, optional: bool },
}

/// The `env` of the workload's first container, by variable name.
pub(crate) fn container_env(workload: &Value) -> BTreeMap<String, Source> {
    let container = &workload["spec"]["template"]["spec"]["containers"][0];
    assert!(
        container["envFrom"].is_null(),
        "{}: envFrom hides which settings are set; list each variable",
        workload["metadata"]["name"]
    );
    let mut env = BTreeMap::new();
    for var in container["env"].as_array().into_iter().flatten() {
        let name = var["name"].as_str().expect("env name").to_owned();
        let from = &var["valueFrom"];
        let source = if let Some(reference) = from.get("configMapKeyRef") {
            Source::ConfigMap {
                name: reference["name"].as_str().unwrap_or_default().to_owned(),
                key: reference["key"].as_str().unwrap_or_default().to_owned(),
            }
        } else if let Some(reference) = from.get("secretKeyRef") {
            Source::Secret {
                name: reference["name"].as_str().unwrap_or_default().to_owned(),
                key: reference["key"].as_str().unwrap_or_default().to_owned(),
                optional: reference["optional"].as_bool().unwrap_or(false),
            }
        } else {
            Source::Literal(var["value"].as_str().unwrap_or_default().to_owned())
        };
        assert!(env.insert(name.clone(), source).is_none(), "{name} is set twice");
    }
    env
}

/// The value a ConfigMap reference resolves to in `objects`, if the key exists.
pub(crate) fn config_value(objects: &[Value], name: &str, key: &str) -> Option<String> {
    named(objects, "ConfigMap", name).and_then(|map| map["data"][key].as_str().map(str::to_owned))
}

/// Every workload that runs `function` in `variant`: its Knative Service, or its Deployments (the
/// KEDA variant may run a function's consumer apart from its HTTP side), by their label
/// `app.kubernetes.io/name`.
pub(crate) fn workloads<'a>(objects: &'a [Value], variant: &str, function: &str) -> Vec<&'a Value> {
    if variant == "knative" {
        return workload(objects, variant, function).into_iter().collect();
    }
    objects
        .iter()
        .filter(|o| o["kind"] == "Deployment" && o["metadata"]["labels"]["app.kubernetes.io/name"] == function)
        .collect()
}

/// The workload that runs `function` in `variant`: the Knative Service or the Deployment.
pub(crate) fn workload<'a>(objects: &'a [Value], variant: &str, function: &str) -> Option<&'a Value> {
    let kind = if variant == "knative" { "Service" } else { "Deployment" };
    objects.iter().find(|o| {
        o["kind"] == kind
            && o["metadata"]["name"] == function
            && (variant == "keda"
                || o["apiVersion"]
                    .as_str()
                    .is_some_and(|v| v.starts_with("serving.knative.dev")))
    })
}
