//! The manifests checked against the functions' descriptions in code, for every variant and
//! overlay: a setting renamed in code, a topic added to a consumer or a new unit of periodic work
//! fails here until `knative/` and `keda/` follow.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::manifests::{
    ENVIRONMENTS, Source, VARIANTS, config_value, container_env, functions, named, of_kind, render, repo, strings,
    workload, workloads,
};

/// Every rendered overlay, with its name.
fn overlays() -> Vec<(&'static str, &'static str, Vec<Value>)> {
    VARIANTS
        .iter()
        .flat_map(|variant| {
            ENVIRONMENTS
                .iter()
                .map(move |env| (*variant, *env, render(variant, env)))
        })
        .collect()
}

#[test]
fn every_function_runs_with_settings_it_reads_and_every_required_one_set() {
    let functions = functions();
    for (variant, env, objects) in overlays() {
        for (name, function) in &functions {
            let at = format!("{variant}/{env} {name}");
            assert!(
                workload(&objects, variant, name).is_some(),
                "{at}: no workload named {name}"
            );
            let settings: Vec<&Value> = function["settings"].as_array().expect("settings").iter().collect();
            for workload in workloads(&objects, variant, name) {
                let at = format!("{at} ({})", workload["metadata"]["name"].as_str().unwrap_or_default());
                check_settings(&objects, variant, &at, &settings, workload);
            }
        }
    }
}

/// A workload's variables against the settings its function reads.
fn check_settings(objects: &[Value], variant: &str, at: &str, settings: &[&Value], workload: &Value) {
    let setting = |var: &str| settings.iter().find(|s| s["name"] == var).copied();
    let declared = container_env(workload);
    for (var, source) in &declared {
        let Some(described) = setting(var) else {
            panic!("{at}: sets {var}, which the function does not read");
        };
        assert!(
            !(variant == "knative" && var == "PORT"),
            "{at}: PORT is Knative's to set"
        );
        match source {
            Source::Literal(_) => panic!("{at}: {var} is a literal; take it from todo-config or a Secret"),
            Source::ConfigMap { name: map, key } => {
                assert!(
                    described["secret"] == false,
                    "{at}: {var} is a secret but comes from ConfigMap {map}"
                );
                assert!(
                    config_value(objects, map, key).is_some(),
                    "{at}: {var} refers to {map}/{key}, which the overlay does not define"
                );
            }
            Source::Secret { .. } => {}
        }
    }
    for described in settings {
        let var = described["name"].as_str().expect("setting name");
        if described["required"] == true {
            assert!(declared.contains_key(var), "{at}: required {var} is not set");
        }
        let group = strings(&described["one_of"]);
        if !group.is_empty() {
            assert!(
                group.iter().any(|g| declared.contains_key(g)),
                "{at}: one of {group:?} must be set"
            );
        }
    }
}

/// The topics the Kafka triggers of `function` deliver, with their consumer groups.
fn fed_topics(objects: &[Value], variant: &str, function: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut topics, mut groups) = (BTreeSet::new(), BTreeSet::new());
    if variant == "knative" {
        for source in of_kind(objects, "KafkaSource") {
            if source["spec"]["sink"]["ref"]["name"] == function {
                topics.extend(strings(&source["spec"]["topics"]));
                groups.insert(source["spec"]["consumerGroup"].as_str().unwrap_or_default().to_owned());
            }
        }
    } else {
        let deployments: Vec<&str> = workloads(objects, variant, function)
            .iter()
            .filter_map(|d| d["metadata"]["name"].as_str())
            .collect();
        for scaled in of_kind(objects, "ScaledObject") {
            let target = scaled["spec"]["scaleTargetRef"]["name"].as_str().unwrap_or_default();
            if !deployments.contains(&target) {
                continue;
            }
            for trigger in scaled["spec"]["triggers"].as_array().into_iter().flatten() {
                if trigger["type"] == "kafka" {
                    let metadata = &trigger["metadata"];
                    topics.insert(metadata["topic"].as_str().unwrap_or_default().to_owned());
                    groups.insert(metadata["consumerGroup"].as_str().unwrap_or_default().to_owned());
                }
            }
        }
    }
    (topics, groups)
}

#[test]
fn every_consumer_is_fed_exactly_the_topics_it_consumes_and_they_exist() {
    let functions = functions();
    for (variant, env, objects) in overlays() {
        let prefix = config_value(&objects, "todo-config", "TOPIC_PREFIX").unwrap_or_default();
        let existing: BTreeSet<String> = of_kind(&objects, "KafkaTopic")
            .iter()
            .map(|t| t["spec"]["topicName"].as_str().unwrap_or_default().to_owned())
            .collect();
        for (name, function) in &functions {
            let at = format!("{variant}/{env} {name}");
            let wanted: BTreeSet<String> = strings(&function["consumes"])
                .into_iter()
                .map(|t| format!("{prefix}{t}"))
                .collect();
            let (topics, groups) = fed_topics(&objects, variant, name);
            if variant == "knative" && function["delivery"] == "batches" {
                // It pulls its topics itself (no KafkaSource can batch): it needs the bus.
                assert!(topics.is_empty(), "{at}: reads batches, but a KafkaSource pushes to it");
                let env = container_env(workload(&objects, variant, name).expect("workload"));
                assert!(env.contains_key("EVENT_BUS"), "{at}: reads batches without EVENT_BUS");
                continue;
            }
            assert_eq!(
                topics, wanted,
                "{at}: the triggers' topics differ from what it consumes"
            );
            if !wanted.is_empty() {
                assert_eq!(groups, BTreeSet::from([name.clone()]), "{at}: consumer group");
            }
            for topic in &topics {
                assert!(
                    existing.contains(topic),
                    "{at}: topic {topic} is not among the KafkaTopics"
                );
            }
        }
    }
}

#[test]
fn every_sink_and_every_route_resolves() {
    for (variant, env, objects) in overlays() {
        let service_kind = |name: &str| {
            if variant == "knative" {
                objects.iter().any(|o| {
                    o["kind"] == "Service"
                        && o["metadata"]["name"] == name
                        && o["apiVersion"]
                            .as_str()
                            .is_some_and(|v| v.starts_with("serving.knative.dev"))
                })
            } else {
                objects
                    .iter()
                    .any(|o| o["kind"] == "Service" && o["apiVersion"] == "v1" && o["metadata"]["name"] == name)
            }
        };
        for kind in ["KafkaSource", "PingSource"] {
            for source in of_kind(&objects, kind) {
                let at = format!("{variant}/{env} {kind} {}", source["metadata"]["name"]);
                for sink in [&source["spec"]["sink"], &source["spec"]["delivery"]["deadLetterSink"]] {
                    if sink.is_null() {
                        continue;
                    }
                    let target = sink["ref"]["name"].as_str().unwrap_or_default();
                    assert!(service_kind(target), "{at}: sink {target} does not exist");
                }
            }
        }
        for route in of_kind(&objects, "HTTPRoute") {
            for rule in route["spec"]["rules"].as_array().into_iter().flatten() {
                for backend in rule["backendRefs"].as_array().into_iter().flatten() {
                    let target = backend["name"].as_str().unwrap_or_default();
                    // Knative makes a Kubernetes Service of each Knative Service's name.
                    assert!(
                        service_kind(target),
                        "{variant}/{env} HTTPRoute {}: backend {target} does not exist",
                        route["metadata"]["name"]
                    );
                }
            }
        }
    }
}

/// Whether an HTTPRoute rule sends `path` to `function`.
fn routes_path(objects: &[Value], path: &str, function: &str) -> bool {
    of_kind(objects, "HTTPRoute").iter().any(|route| {
        route["spec"]["rules"].as_array().into_iter().flatten().any(|rule| {
            let matches = rule["matches"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|m| m["path"]["value"] == path);
            let to = rule["backendRefs"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|b| b["name"] == function);
            matches && to
        })
    })
}

#[test]
fn every_public_path_is_routed_and_every_unit_of_periodic_work_has_its_trigger() {
    let functions = functions();
    for (variant, env, objects) in overlays() {
        for (name, function) in &functions {
            let at = format!("{variant}/{env} {name}");
            for path in strings(&function["public_paths"]) {
                assert!(
                    routes_path(&objects, &path, name),
                    "{at}: no HTTPRoute rule sends {path} here"
                );
            }
            let declared = container_env(workload(&objects, variant, name).expect("workload"));
            let mode = match declared.get("BACKGROUND_WORK") {
                Some(Source::ConfigMap { name: map, key }) => config_value(&objects, map, key),
                _ => None,
            };
            for periodic in function["periodic"].as_array().into_iter().flatten() {
                let path = periodic["path"].as_str().expect("path");
                let triggered = of_kind(&objects, "PingSource").iter().any(|ping| {
                    ping["spec"]["sink"]["ref"]["name"] == name.as_str() && ping["spec"]["sink"]["uri"] == path
                });
                if variant == "knative" {
                    assert!(triggered, "{at}: no PingSource posts to {path}");
                } else {
                    assert!(
                        triggered || mode.as_deref() == Some("loop"),
                        "{at}: {path} has neither a trigger nor a loop (BACKGROUND_WORK={mode:?})"
                    );
                }
            }
        }
    }
}

#[test]
fn knative_dev_scales_every_function_to_zero_with_its_work_on_triggers() {
    let objects = render("knative", "dev");
    for (name, function) in functions() {
        let service = workload(&objects, "knative", &name).expect("service");
        let annotations = &service["spec"]["template"]["metadata"]["annotations"];
        if function["delivery"] == "batches" {
            // Nothing wakes a puller at zero: exactly one, always.
            for bound in ["min-scale", "max-scale"] {
                assert_eq!(
                    annotations[format!("autoscaling.knative.dev/{bound}")],
                    "1",
                    "{name}: a batch reader runs as one pod"
                );
            }
            continue;
        }
        assert_eq!(
            annotations["autoscaling.knative.dev/min-scale"], "0",
            "{name}: dev scales to zero"
        );
        if !function["periodic"].as_array().expect("periodic").is_empty() {
            let Some(Source::ConfigMap { name: map, key }) = container_env(service).get("BACKGROUND_WORK").cloned()
            else {
                panic!("{name}: BACKGROUND_WORK is not set");
            };
            assert_eq!(
                config_value(&objects, &map, &key).as_deref(),
                Some("trigger"),
                "{name}: a function scaled to zero runs no loop"
            );
        }
    }
}

#[test]
fn the_kafka_topics_are_what_the_catalog_renders() {
    // Strimzi's KafkaTopics, and the topics Terraform makes on a managed Kafka.
    for (file, environment, format) in [
        ("knative/kafka/dev/topics.yaml", "local", "strimzi"),
        ("knative/kafka/prod/topics.yaml", "production", "strimzi"),
        ("terraform/modules/platform/kafka-topics.json", "production", "json"),
    ] {
        let output = std::process::Command::new(todo_tests::processes::binary("todo"))
            .args(["topics", "render", "--env", environment, "--format", format])
            .output()
            .expect("todo topics render");
        assert!(output.status.success());
        let path = repo().join(file);
        let committed = std::fs::read_to_string(&path).expect("rendered topics");
        assert_eq!(
            committed,
            String::from_utf8_lossy(&output.stdout),
            "{} differs from `todo topics render --env {environment} --format {format}`: run `make manifests`",
            path.display()
        );
    }
    // And what Strimzi reads is the catalog's.
    let objects = render("knative", "prod");
    let task_events = named(&objects, "KafkaTopic", "task-events").expect("task-events");
    assert_eq!(task_events["spec"]["partitions"], 6);
    assert_eq!(task_events["spec"]["replicas"], 3);
}

#[test]
fn keda_dev_scales_every_consumer_from_zero_on_its_lag() {
    let objects = render("keda", "dev");
    for (name, function) in functions() {
        if strings(&function["consumes"]).is_empty() {
            continue;
        }
        let deployments: Vec<&str> = workloads(&objects, "keda", &name)
            .iter()
            .filter_map(|d| d["metadata"]["name"].as_str())
            .collect();
        let on_lag: Vec<&Value> = of_kind(&objects, "ScaledObject")
            .into_iter()
            .filter(|scaled| {
                let target = scaled["spec"]["scaleTargetRef"]["name"].as_str().unwrap_or_default();
                deployments.contains(&target)
                    && scaled["spec"]["triggers"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|t| t["type"] == "kafka")
            })
            .collect();
        assert_eq!(on_lag.len(), 1, "{name}: one ScaledObject scales its consumer on lag");
        let spec = &on_lag[0]["spec"];
        assert_eq!(spec["minReplicaCount"], 0, "{name}: the consumer scales to zero in dev");
        if function["delivery"] == "batches" {
            assert_eq!(spec["maxReplicaCount"], 1, "{name}: a batch reader is one member");
        }
        for trigger in spec["triggers"].as_array().into_iter().flatten() {
            if trigger["type"] == "kafka" {
                let metadata = &trigger["metadata"];
                assert!(metadata["lagThreshold"].is_string(), "{name}: {trigger}");
                assert!(metadata["activationLagThreshold"].is_string(), "{name}: {trigger}");
            }
        }
    }
}

#[test]
fn task_apis_reactive_targets_plan_at_the_capacity_aiops_plans_with() {
    // aiops plans at 70 % of a replica's capacity (functions/aiops/src/scaling.rs, TARGET_UTILISATION);
    // Knative and KEDA react at the same point, so neither scales against a different capacity.
    const PLANNED_SHARE: f64 = 0.7;
    for (variant, env, objects) in overlays() {
        let at = format!("{variant}/{env}");
        let capacities = config_value(&objects, "todo-config", "AIOPS_CAPACITY")
            .unwrap_or_else(|| panic!("{at}: AIOPS_CAPACITY is in todo-config"));
        let capacity: f64 = capacities
            .split(',')
            .find_map(|pair| pair.trim().strip_prefix("task-api="))
            .and_then(|rps| rps.trim().parse().ok())
            .unwrap_or_else(|| panic!("{at}: AIOPS_CAPACITY names task-api: {capacities}"));
        let planned = (capacity * PLANNED_SHARE).round();
        if variant == "knative" {
            let service = workload(&objects, variant, "task-api").expect("task-api's Service");
            let annotations = &service["spec"]["template"]["metadata"]["annotations"];
            let target: f64 = annotations["autoscaling.knative.dev/target"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            let share: f64 = annotations["autoscaling.knative.dev/target-utilization-percentage"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            assert_eq!(
                (target, share / 100.0),
                (capacity, PLANNED_SHARE),
                "{at}: task-api's KPA target"
            );
        } else {
            let scaled = named(&objects, "ScaledObject", "task-api").expect("task-api's ScaledObject");
            let rate = scaled["spec"]["triggers"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|t| t["name"] == "request-rate")
                .expect("a request-rate trigger");
            let threshold: f64 = rate["metadata"]["threshold"].as_str().unwrap().parse().unwrap();
            assert_eq!(threshold, planned, "{at}: task-api's request-rate threshold");
        }
    }
}

/// An ISO 8601 duration of seconds (`PT5S`, `PT0.5S`), as Knative's delivery specs write them.
fn iso_seconds(text: &str) -> f64 {
    text.strip_prefix("PT")
        .and_then(|t| t.strip_suffix('S'))
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("'{text}' is not a duration of seconds (PT<n>S)"))
}

#[test]
fn every_kafka_source_retries_as_long_as_a_pulling_consumer_and_pauses_at_most_minutes() {
    let retry_for = todo_kit::handler::ConsumeSettings::default().retry_for.as_secs_f64();
    for (variant, env, objects) in overlays() {
        for source in of_kind(&objects, "KafkaSource") {
            let at = format!("{variant}/{env} KafkaSource {}", source["metadata"]["name"]);
            let delivery = &source["spec"]["delivery"];
            let retries = delivery["retry"]
                .as_u64()
                .unwrap_or_else(|| panic!("{at}: no delivery.retry"));
            let delay = iso_seconds(delivery["backoffDelay"].as_str().unwrap_or("PT0S"));
            // Knative's pause before retry n: delay * n (linear) or delay * 2^n (exponential).
            let pauses: Vec<f64> = (1..=retries)
                .map(|n| match delivery["backoffPolicy"].as_str() {
                    Some("linear") => delay * n as f64,
                    Some("exponential") => delay * 2f64.powi(i32::try_from(n).unwrap_or(i32::MAX)),
                    other => panic!("{at}: backoffPolicy {other:?}"),
                })
                .collect();
            let total: f64 = pauses.iter().sum();
            let longest = pauses.iter().copied().fold(0.0, f64::max);
            assert!(
                total >= retry_for,
                "{at}: retries for {total} s, less than a pulling consumer's {retry_for} s: an outage that long dead-letters events"
            );
            assert!(
                longest <= 300.0,
                "{at}: waits up to {longest} s between attempts: delivery would resume long after the dependency"
            );
            assert!(
                !delivery["deadLetterSink"].is_null(),
                "{at}: no deadLetterSink for poison"
            );
        }
    }
}
