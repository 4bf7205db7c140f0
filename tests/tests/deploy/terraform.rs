//! `terraform/` checked as far as a machine without a cloud account allows (issue 15): formatted by
//! a real Terraform core, structurally sound (`scripts/check_terraform.py structure`), every
//! environment's values accepted by every module's types and validation rules (Terraform plans a
//! provider-free copy of the module tree), the rules themselves refusing bad values, checkov on it
//! (`scripts/checkov.sh`, with the manifests), and the names Terraform gives agreeing with what
//! `knative/` and `keda/` read: the Secret and its keys, the registry, the Kafka pool's taint, the
//! Knative feature flags, the database pool's port.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

use crate::manifests::{ENVIRONMENTS, VARIANTS, of_kind, python, render, repo};

/// Runs `scripts/check_terraform.py` with `args`: whether it passed, and what it printed.
fn check_terraform(args: &[&str]) -> (bool, String) {
    let out = Command::new(python())
        .arg("scripts/check_terraform.py")
        .args(args)
        .current_dir(repo())
        .output()
        .expect("run scripts/check_terraform.py (make manifest-tools installs its packages)");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), printed)
}

fn passes(args: &[&str]) {
    let (ok, printed) = check_terraform(args);
    assert!(ok, "check_terraform.py {args:?}:\n{printed}");
}

/// What `terraform/` names, as `check_terraform.py facts` reads it from the .tf files (once).
pub(crate) fn facts() -> Value {
    static FACTS: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    FACTS
        .get_or_init(|| {
            let (ok, printed) = check_terraform(&["facts"]);
            assert!(ok, "{printed}");
            serde_json::from_str(&printed).expect("facts JSON")
        })
        .clone()
}

fn texts(value: &Value) -> BTreeSet<String> {
    crate::manifests::strings(value).into_iter().collect()
}

#[test]
fn terraform_is_formatted_by_terraform_itself() {
    passes(&["fmt"]);
}

#[test]
fn every_module_call_variable_output_provider_tag_and_backend_holds() {
    passes(&["structure"]);
}

#[test]
fn every_environment_passes_every_module_type_and_validation_rule() {
    passes(&["validations"]);
}

/// A valid call of the database module, less what each case below sets.
const DATABASE: [&str; 6] = [
    "name=todo-prod",
    "region=fra1",
    "vpc_id=v",
    "kubernetes_cluster_id=k",
    r#"postgres={version="17",size="db-s-1vcpu-1gb",node_count=1,pool_size=10}"#,
    r#"valkey={version="8",size="db-s-1vcpu-1gb",node_count=1}"#,
];
const PROD_TAGS: &str = r#"tags=["prod"]"#;
const WINDOW: &str = r#"maintenance_window={day="thursday",hour="02:00"}"#;

#[test]
fn the_validation_rules_refuse_what_would_hurt() {
    let storage = |retention: &'static str| {
        vec![
            "environment=prod",
            "bucket_prefix=acme",
            "region=fra1",
            retention,
            "backup_version_retention_days=30",
            "force_destroy=true",
        ]
    };
    let database = |extra: &[&'static str]| [DATABASE.as_slice(), extra].concat();
    let addons = |extra: &[&'static str]| {
        [
            [
                "functions_namespace=todo",
                "kafka_in_cluster=true",
                "dns_api_token=x",
                "database_url=x",
                "metrics_retention_days=7",
                "logs_retention_days=7",
            ]
            .as_slice(),
            extra,
        ]
        .concat()
    };
    // (module, values, what Terraform must say)
    let refused: Vec<(&str, Vec<&str>, &str)> = vec![
        (
            "modules/network",
            vec!["name=todo-dev", "environment=dev", "region=fra1", "ip_range=8.8.0.0/20"],
            "private (RFC 1918)",
        ),
        (
            "modules/storage",
            storage("archive_retention_days=90"),
            "at least 365 days",
        ),
        (
            "modules/storage",
            storage("archive_retention_days=365"),
            "force_destroy must stay false in production",
        ),
        (
            "modules/database",
            database(&[PROD_TAGS, r#"maintenance_window={day="thursday",hour="02:30"}"#]),
            "whole UTC hour",
        ),
        (
            "modules/database",
            database(&[r#"tags=["evolution-of-todo"]"#, WINDOW]),
            "tags must start with the environment",
        ),
        (
            "modules/database",
            database(&[
                PROD_TAGS,
                WINDOW,
                r#"kafka={version="3.8",size="db-s-2vcpu-4gb"}"#,
                r#"kafka_topics={"task-events"={partitions=6,replication_factor=1,min_insync_replicas=1,retention_ms=1}}"#,
            ]),
            "replication_factor >= 2",
        ),
        (
            "modules/addons",
            addons(&["acme_email=ops", "environment=dev"]),
            "acme_email must be an e-mail address",
        ),
        (
            "modules/addons",
            addons(&["acme_email=ops@example.com", "environment=prod", "chaos_mesh=true"]),
            "chaos_mesh must not be enabled in prod",
        ),
    ];
    for (module, values, says) in refused {
        let mut args = vec!["try", module];
        args.extend_from_slice(&values);
        let (ok, printed) = check_terraform(&args);
        assert!(!ok, "{module} accepted {values:?}:\n{printed}");
        assert!(
            printed.contains(says),
            "{module} {values:?}: expected '{says}' in\n{printed}"
        );
    }
    // The same module accepts good values: the refusals above are the rules', not a broken harness.
    let (ok, printed) = check_terraform(&[
        "try",
        "modules/network",
        "name=todo-dev",
        "environment=dev",
        "region=fra1",
        "ip_range=10.110.0.0/20",
    ]);
    assert!(ok, "{printed}");
}

/// Every `(Secret, key, optional)` an object reads: env `secretKeyRef`s and KEDA's
/// `secretTargetRef`s, wherever they are in the object.
fn secret_refs(value: &Value, found: &mut BTreeSet<(String, String, bool)>) {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("secretKeyRef") {
                found.insert((
                    reference["name"].as_str().unwrap_or_default().to_owned(),
                    reference["key"].as_str().unwrap_or_default().to_owned(),
                    reference["optional"].as_bool().unwrap_or(false),
                ));
            }
            for target in map
                .get("secretTargetRef")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                found.insert((
                    target["name"].as_str().unwrap_or_default().to_owned(),
                    target["key"].as_str().unwrap_or_default().to_owned(),
                    false,
                ));
            }
            map.values().for_each(|v| secret_refs(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| secret_refs(v, found)),
        _ => {}
    }
}

#[test]
fn the_secret_terraform_fills_is_the_one_the_manifests_read() {
    let facts = facts();
    let secret = facts["secret_name"].as_str().expect("secret name");
    let written = texts(&facts["secret_keys"]);
    let optional = texts(&facts["optional_secret_keys"]);
    let any_managed_kafka = ENVIRONMENTS
        .iter()
        .any(|env| facts["environments"][env]["kafka_in_cluster"] == false);
    let mut read_anywhere = BTreeSet::new();
    for variant in VARIANTS {
        for env in ENVIRONMENTS {
            let objects = render(variant, env);
            let mut refs = BTreeSet::new();
            objects.iter().for_each(|o| secret_refs(o, &mut refs));
            for (name, key, marked_optional) in refs {
                if name != secret {
                    // Strimzi's CA Secret, created by the Kafka cluster itself.
                    assert_eq!(
                        name, "todo-kafka-cluster-ca-cert",
                        "{variant}/{env} reads Secret {name}"
                    );
                    continue;
                }
                assert!(
                    written.contains(&key),
                    "{variant}/{env} reads {secret}/{key}, which Terraform does not write"
                );
                assert!(
                    marked_optional || !optional.contains(&key),
                    "{variant}/{env} needs {secret}/{key}, which Terraform writes only sometimes: mark it optional"
                );
                read_anywhere.insert(key);
            }
            for object in &objects {
                if let Some(namespace) = object["metadata"]["namespace"].as_str() {
                    assert_eq!(namespace, facts["namespace"], "{variant}/{env}: {}", object["metadata"]);
                }
            }
        }
    }
    for key in &written {
        let explained = key == "kafka-sasl-password" && !any_managed_kafka;
        if explained {
            assert!(
                !read_anywhere.contains(key),
                "{key} is read now: drop it from the exceptions"
            );
        } else {
            assert!(
                read_anywhere.contains(key),
                "Terraform writes {secret}/{key}, which no manifest reads"
            );
        }
    }
}

#[test]
fn images_and_pull_secrets_name_the_registry_terraform_makes() {
    let facts = facts();
    let bootstrap_registry = facts["bootstrap"]["registry_name"].as_str().expect("registry");
    for env in ENVIRONMENTS {
        let registry = facts["environments"][env]["registry_name"].as_str().expect("registry");
        assert_eq!(
            registry, bootstrap_registry,
            "{env} uses another registry than bootstrap makes"
        );
        for variant in VARIANTS {
            let objects = render(variant, env);
            let mut images = 0;
            for object in &objects {
                let pod = &object["spec"]["template"]["spec"];
                for container in pod["containers"].as_array().into_iter().flatten() {
                    let image = container["image"].as_str().unwrap_or_default();
                    assert!(
                        image.starts_with(&format!("registry.digitalocean.com/{registry}/")),
                        "{variant}/{env}: {image} is not in the registry {registry}"
                    );
                    images += 1;
                }
            }
            assert!(images > 0, "{variant}/{env}: no containers found");
            for account in of_kind(&objects, "ServiceAccount") {
                let pulls: Vec<&str> = account["imagePullSecrets"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|s| s["name"].as_str())
                    .collect();
                assert_eq!(
                    pulls,
                    [format!("registry-{registry}")],
                    "{variant}/{env}: {} pulls with another Secret than the registry integration's",
                    account["metadata"]["name"]
                );
            }
        }
    }
}

#[test]
fn kafka_runs_where_and_how_terraform_provides_for_it() {
    let facts = facts();
    let taint = &facts["kafka_taint"];
    let role_label = facts["role_label"].as_str().expect("role label");
    // Labels every DOKS node carries, and the ones Terraform adds.
    let node_labels = ["kubernetes.io/hostname", "doks.digitalocean.com/node-pool", role_label];
    for env in ENVIRONMENTS {
        let facts = &facts["environments"][env];
        for variant in VARIANTS {
            let objects = render(variant, env);
            let clusters = of_kind(&objects, "Kafka");
            if facts["kafka_in_cluster"] == false {
                assert!(
                    clusters.is_empty(),
                    "{variant}/{env}: Terraform makes a managed Kafka, yet Strimzi runs one"
                );
                continue;
            }
            assert_eq!(
                clusters.len(),
                1,
                "{variant}/{env}: Terraform installs Strimzi for one Kafka cluster"
            );
            if let Some(key) = clusters[0]["spec"]["kafka"]["rack"]["topologyKey"].as_str() {
                assert!(
                    node_labels.contains(&key),
                    "{variant}/{env}: rack topologyKey {key} is a label DOKS nodes do not carry"
                );
            }
            for pool in of_kind(&objects, "KafkaNodePool") {
                let pod = &pool["spec"]["template"]["pod"];
                let tolerates = pod["tolerations"].as_array().into_iter().flatten().any(|t| {
                    t["key"] == taint["key"] && t["value"] == taint["value"] && t["effect"] == taint["effect"]
                });
                let required = pod["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
                    .to_string()
                    .contains(role_label);
                let name = &pool["metadata"]["name"];
                if facts["kafka_pool"] == true {
                    assert!(
                        tolerates && required,
                        "{variant}/{env}: KafkaNodePool {name} must tolerate the kafka pool's taint and require its nodes"
                    );
                } else {
                    assert!(
                        !required,
                        "{variant}/{env}: KafkaNodePool {name} requires kafka nodes, which {env} does not have"
                    );
                }
            }
        }
    }
}

/// The Knative Serving feature flag each pod-spec field behind one needs.
const FEATURE_OF_FIELD: [(&str, &str); 5] = [
    ("affinity", "kubernetes.podspec-affinity"),
    (
        "topologySpreadConstraints",
        "kubernetes.podspec-topologyspreadconstraints",
    ),
    ("tolerations", "kubernetes.podspec-tolerations"),
    ("nodeSelector", "kubernetes.podspec-nodeselector"),
    ("securityContext", "kubernetes.podspec-securitycontext"),
];

#[test]
fn knative_is_installed_with_every_feature_the_manifests_use() {
    let facts = facts();
    let serving = &facts["serving_features"];
    let kafka = &facts["kafka_features"];
    for env in ENVIRONMENTS {
        let objects = render("knative", env);
        for service in of_kind(&objects, "Service") {
            if !service["apiVersion"]
                .as_str()
                .is_some_and(|v| v.starts_with("serving.knative.dev"))
            {
                continue;
            }
            let pod = &service["spec"]["template"]["spec"];
            for (field, flag) in FEATURE_OF_FIELD {
                if !pod[field].is_null() {
                    assert_eq!(
                        serving[flag], "enabled",
                        "knative/{env}: {} uses {field}; the addons module must enable {flag}",
                        service["metadata"]["name"]
                    );
                }
            }
        }
        for source in of_kind(&objects, "KafkaSource") {
            let annotations = source["metadata"]["annotations"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            if annotations
                .keys()
                .any(|k| k.starts_with("autoscaling.eventing.knative.dev/"))
            {
                assert_eq!(
                    kafka["controller-autoscaler-keda"], "enabled",
                    "knative/{env}: KafkaSources are scaled by KEDA; the addons module must enable it"
                );
            }
        }
    }
}

#[test]
fn functions_on_the_database_may_reach_its_connection_pool() {
    // DigitalOcean's PgBouncer pools listen on 25061; Terraform's database-url points at the pool.
    const POOL_PORT: u64 = 25_061;
    for variant in VARIANTS {
        for env in ENVIRONMENTS {
            let objects = render(variant, env);
            let mut readers: BTreeMap<String, bool> = BTreeMap::new();
            for object in &objects {
                let mut refs = BTreeSet::new();
                secret_refs(&object["spec"]["template"], &mut refs);
                if refs.iter().any(|(_, key, _)| key == "database-url") {
                    let labels = &object["metadata"]["labels"];
                    let name = labels["app.kubernetes.io/name"].as_str().unwrap_or_default().to_owned();
                    readers.insert(
                        object["metadata"]["name"].as_str().unwrap_or_default().to_owned(),
                        false,
                    );
                    for policy in of_kind(&objects, "NetworkPolicy") {
                        if policy["metadata"]["labels"]["app.kubernetes.io/name"] != name.as_str() {
                            continue;
                        }
                        let allows = policy["spec"]["egress"].as_array().into_iter().flatten().any(|rule| {
                            rule["ports"]
                                .as_array()
                                .into_iter()
                                .flatten()
                                .any(|p| p["port"].as_u64() == Some(POOL_PORT))
                        });
                        if allows {
                            readers.insert(object["metadata"]["name"].as_str().unwrap_or_default().to_owned(), true);
                        }
                    }
                }
            }
            assert!(!readers.is_empty(), "{variant}/{env}: nothing reads database-url");
            for (workload, allowed) in readers {
                assert!(
                    allowed,
                    "{variant}/{env}: {workload} reads database-url but may not reach port {POOL_PORT}"
                );
            }
        }
    }
}

#[test]
fn make_infra_without_credentials_names_each_one_and_touches_nothing() {
    let make = |args: &[&str], vars: &[(&str, &str)]| {
        Command::new("make")
            .arg("--no-print-directory")
            .args(args)
            .current_dir(repo())
            .env_remove("DIGITALOCEAN_TOKEN")
            .env_remove("SPACES_ACCESS_KEY_ID")
            .env_remove("SPACES_SECRET_ACCESS_KEY")
            .env_remove("DNS_API_TOKEN")
            .env_remove("LLM_API_KEY")
            .envs(vars.iter().copied())
            .stdin(std::process::Stdio::null())
            .output()
            .expect("make")
    };
    for target in ["infra", "infra-apply"] {
        let out = make(&[target, "ENV=dev"], &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{target} ran without credentials");
        for needed in [
            "DIGITALOCEAN_TOKEN",
            "SPACES_ACCESS_KEY_ID",
            "SPACES_SECRET_ACCESS_KEY",
            "DNS_API_TOKEN",
            "LLM_API_KEY",
        ] {
            assert!(stderr.contains(needed), "{target}: does not name {needed}:\n{stderr}");
        }
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            !stdout.contains("Initializing"),
            "{target} started Terraform:\n{stdout}"
        );
    }
    // One missing setting is named alone; an empty LLM key is a choice, not a gap.
    let out = make(
        &["infra", "ENV=prod"],
        &[
            ("DIGITALOCEAN_TOKEN", "dop_v1_x"),
            ("SPACES_ACCESS_KEY_ID", "DO00X"),
            ("SPACES_SECRET_ACCESS_KEY", "x"),
            ("LLM_API_KEY", ""),
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("DNS_API_TOKEN") && !stderr.contains("LLM_API_KEY"),
        "{stderr}"
    );
    let out = make(&["infra", "ENV=qa"], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && stderr.contains("unknown environment 'qa'"),
        "{stderr}"
    );
}

/// Every `(required, value)` of a node affinity term on `label` in an object.
fn node_roles(value: &Value, label: &str, required: bool, found: &mut BTreeSet<(bool, String)>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let required = match key.as_str() {
                    "requiredDuringSchedulingIgnoredDuringExecution" => true,
                    "preferredDuringSchedulingIgnoredDuringExecution" => false,
                    _ => required,
                };
                if key == "matchExpressions" {
                    for expression in inner.as_array().into_iter().flatten() {
                        if expression["key"] == label {
                            for role in crate::manifests::strings(&expression["values"]) {
                                found.insert((required, role));
                            }
                        }
                    }
                }
                node_roles(inner, label, required, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| node_roles(v, label, required, found)),
        _ => {}
    }
}

#[test]
fn pods_ask_only_for_node_pools_terraform_makes() {
    let facts = facts();
    let label = facts["role_label"].as_str().expect("role label");
    for env in ENVIRONMENTS {
        let pools = &facts["environments"][env];
        let made = |role: &str| match role {
            "system" | "services" => true,
            "kafka" => pools["kafka_pool"] == true,
            "analytics" => pools["analytics_pool"] == true,
            _ => false,
        };
        for variant in VARIANTS {
            let mut roles = BTreeSet::new();
            render(variant, env)
                .iter()
                .for_each(|o| node_roles(o, label, false, &mut roles));
            for (required, role) in roles {
                assert!(
                    matches!(role.as_str(), "system" | "services" | "kafka" | "analytics"),
                    "{variant}/{env}: no node pool has the role {role}"
                );
                assert!(
                    !required || made(&role),
                    "{variant}/{env} requires {label}={role} nodes, which Terraform does not make for {env}"
                );
            }
        }
    }
}

/// The Services of namespace `observability` a text names (`<service>.observability.svc`, or
/// `<service>.observability:<port>`).
fn observability_hosts(text: &str, found: &mut BTreeSet<String>) {
    let bytes = text.as_bytes();
    for (at, _) in text.match_indices(".observability") {
        let after = &text[at + ".observability".len()..];
        if !(after.starts_with(".svc") || after.starts_with(':')) {
            continue;
        }
        let start = text[..at]
            .rfind(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
            .map_or(0, |i| i + 1);
        if start < at && bytes[start].is_ascii_lowercase() {
            found.insert(text[start..at].to_owned());
        }
    }
}

#[test]
fn every_observability_service_the_platform_names_is_one_terraform_installs() {
    let facts = facts();
    let installed = texts(&facts["observability_services"]);
    let mut named = BTreeSet::new();
    for variant in VARIANTS {
        for env in ENVIRONMENTS {
            for object in render(variant, env) {
                observability_hosts(&object.to_string(), &mut named);
            }
        }
    }
    // The stack's own configuration, which terraform/modules/addons installs.
    for file in [
        "observability/otel-collector/config.yaml",
        "observability/loki/config.alloy",
        "observability/prometheus/prometheus.yml",
    ] {
        let text = std::fs::read_to_string(repo().join(file)).expect(file);
        observability_hosts(&text, &mut named);
    }
    // The standalone prometheus.yml's Alertmanager target: the stack wires its own.
    named.remove("alertmanager");
    assert!(named.contains("otel-collector"), "found {named:?}");
    for service in &named {
        assert!(
            installed.contains(service),
            "{service}.observability is named, but terraform/modules/addons installs only {installed:?}"
        );
    }
}
