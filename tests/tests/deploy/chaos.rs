//! The game day's Chaos Mesh experiments (`knative/chaos`, issue 21), checked without a cluster so
//! that they cannot drift from what they break: both kustomizations render and validate against
//! Chaos Mesh's CRDs (unknown fields rejected, plus the checks of its admission webhook), and the
//! validator refuses broken ones; every function of `knative/base` has its pod kill; every
//! selector picks pods the staging and prod overlays really run (the labels the Knative Services
//! put on their pods, the labels Strimzi puts on the node pools' pods); the network experiments
//! cover exactly the functions whose NetworkPolicies reach Kafka or PostgreSQL; every experiment is
//! bounded and a Schedule runs the same spec once a week, in a slot of its own.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};

use crate::manifests::{of_kind, render, repo, strings, validate};

/// The environment the game day runs in: production's shape (3+3 Kafka, two pods per API).
const GAME_DAY_ENVIRONMENT: &str = "staging";
/// Where the Chaos Mesh objects live: the namespace of Chaos Mesh's installation.
const CHAOS_NAMESPACE: &str = "chaos-mesh";
/// How long after an experiment ends the platform gets to recover before the next one starts.
const RECOVERY: Duration = Duration::from_secs(5 * 60);
const LONGEST_EXPERIMENT: Duration = Duration::from_secs(10 * 60);
const LARGEST_DELAY: Duration = Duration::from_millis(200);

/// `kubectl kustomize <dir>`: the YAML and its objects.
fn kustomize(dir: &str) -> (Vec<u8>, Vec<Value>) {
    let out = Command::new("kubectl")
        .args(["kustomize", dir])
        .current_dir(repo())
        .output()
        .expect("kubectl (make manifest-tools installs it)");
    assert!(out.status.success(), "{dir}: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout.clone()).expect("UTF-8");
    let options = serde_saphyr::options! { strict_booleans: true };
    let objects: Vec<Value> = serde_saphyr::from_multiple_with_options(&text, options).expect("kustomize's YAML");
    assert!(!objects.is_empty(), "{dir} renders nothing");
    (out.stdout, objects)
}

fn name(object: &Value) -> &str {
    object["metadata"]["name"].as_str().unwrap_or_default()
}

/// The one-off experiments (`knative/chaos/experiments`), by name.
fn experiments() -> BTreeMap<String, Value> {
    kustomize("knative/chaos/experiments")
        .1
        .into_iter()
        .map(|o| (name(&o).to_owned(), o))
        .collect()
}

/// The game day's Schedules (`knative/chaos`), by name.
fn schedules() -> BTreeMap<String, Value> {
    kustomize("knative/chaos")
        .1
        .into_iter()
        .map(|o| (name(&o).to_owned(), o))
        .collect()
}

/// A pod an overlay runs: whose it is, its namespace and its labels.
struct Pod {
    owner: String,
    namespace: String,
    labels: BTreeMap<String, String>,
}

fn string_map(value: &Value) -> BTreeMap<String, String> {
    let map = value.as_object().into_iter().flatten();
    map.map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
        .collect()
}

/// The pods `objects` make: a Knative Service's have its template's labels and Knative's
/// `serving.knative.dev/service`; a KafkaNodePool's have the labels Strimzi gives its cluster's
/// pods (`strimzi.io/cluster`, `kind`, `name`, `pool-name` and one `*-role` label per role).
fn pods(objects: &[Value]) -> Vec<Pod> {
    let mut pods = Vec::new();
    for service in of_kind(objects, "Service") {
        if !service["apiVersion"]
            .as_str()
            .unwrap_or_default()
            .starts_with("serving.knative.dev")
        {
            continue;
        }
        let mut labels = string_map(&service["spec"]["template"]["metadata"]["labels"]);
        labels.insert("serving.knative.dev/service".into(), name(service).into());
        let namespace = service["metadata"]["namespace"].as_str().unwrap_or_default().to_owned();
        pods.push(Pod {
            owner: format!("function {}", name(service)),
            namespace,
            labels,
        });
    }
    for pool in of_kind(objects, "KafkaNodePool") {
        let cluster = pool["metadata"]["labels"]["strimzi.io/cluster"]
            .as_str()
            .expect("pool's cluster");
        assert!(
            objects.iter().any(|o| o["kind"] == "Kafka" && name(o) == cluster),
            "KafkaNodePool {} names a Kafka {cluster} the overlay lacks",
            name(pool)
        );
        let roles = strings(&pool["spec"]["roles"]);
        let mut labels = BTreeMap::from([
            ("strimzi.io/cluster".to_owned(), cluster.to_owned()),
            ("strimzi.io/kind".to_owned(), "Kafka".to_owned()),
            ("strimzi.io/name".to_owned(), format!("{cluster}-kafka")),
            ("strimzi.io/pool-name".to_owned(), name(pool).to_owned()),
        ]);
        for role in ["broker", "controller"] {
            let has = roles.iter().any(|r| r == role);
            labels.insert(format!("strimzi.io/{role}-role"), has.to_string());
        }
        let namespace = pool["metadata"]["namespace"].as_str().unwrap_or_default().to_owned();
        let owner = format!("kafka {cluster} {}", roles.join("+"));
        pods.push(Pod {
            owner,
            namespace,
            labels,
        });
    }
    pods
}

/// Whether a Chaos Mesh selector picks `pod` (its namespaces, labelSelectors and
/// expressionSelectors; the selectors this test does not model are refused).
fn selects(selector: &Value, pod: &Pod) -> bool {
    for unmodelled in [
        "pods",
        "nodes",
        "nodeSelectors",
        "fieldSelectors",
        "annotationSelectors",
    ] {
        assert!(
            selector[unmodelled].is_null(),
            "selector uses {unmodelled}: teach this test"
        );
    }
    let in_namespace = strings(&selector["namespaces"]).contains(&pod.namespace);
    let labels = string_map(&selector["labelSelectors"]);
    let by_labels = labels.iter().all(|(k, v)| pod.labels.get(k) == Some(v));
    let by_expressions = selector["expressionSelectors"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|e| {
            let key = e["key"].as_str().expect("key");
            let values = strings(&e["values"]);
            let value = pod.labels.get(key);
            match e["operator"].as_str().expect("operator") {
                "In" => value.is_some_and(|v| values.contains(v)),
                "NotIn" => value.is_none_or(|v| !values.contains(v)),
                "Exists" => value.is_some(),
                "DoesNotExist" => value.is_none(),
                other => panic!("operator {other}"),
            }
        });
    in_namespace && by_labels && by_expressions
}

/// The owners of the pods `selector` picks.
fn picked(selector: &Value, pods: &[Pod]) -> BTreeSet<String> {
    pods.iter()
        .filter(|p| selects(selector, p))
        .map(|p| p.owner.clone())
        .collect()
}

fn functions(names: &[String]) -> BTreeSet<String> {
    names.iter().map(|n| format!("function {n}")).collect()
}

/// A Go duration (`5m`, `1h30m`, `100ms`), as Chaos Mesh reads `duration` and `latency`.
fn go_duration(text: &str) -> Duration {
    let mut total = Duration::ZERO;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .expect("a unit after the number");
        let number: u64 = rest[..digits]
            .parse()
            .unwrap_or_else(|_| panic!("{text}: a whole number"));
        let unit_end = rest[digits..]
            .find(|c: char| c.is_ascii_digit())
            .map_or(rest.len(), |i| digits + i);
        total += match &rest[digits..unit_end] {
            "h" => Duration::from_secs(number * 3600),
            "m" => Duration::from_secs(number * 60),
            "s" => Duration::from_secs(number),
            "ms" => Duration::from_millis(number),
            unit => panic!("{text}: unit {unit}"),
        };
        rest = &rest[unit_end..];
    }
    total
}

#[test]
fn the_chaos_kustomizations_render_and_validate_against_chaos_meshs_crds() {
    for (dir, kinds) in [
        ("knative/chaos", &["Schedule"][..]),
        ("knative/chaos/experiments", &["PodChaos", "NetworkChaos"][..]),
    ] {
        let (yaml, objects) = kustomize(dir);
        if let Err(complaints) = validate(&yaml) {
            panic!("{dir} does not validate:\n{complaints}");
        }
        for object in &objects {
            let at = format!("{dir}: {} {}", object["kind"], name(object));
            assert!(
                object["apiVersion"] == "chaos-mesh.org/v1alpha1",
                "{at}: not Chaos Mesh's"
            );
            assert!(
                kinds.contains(&object["kind"].as_str().unwrap_or_default()),
                "{at}: not one of {kinds:?}"
            );
            assert_eq!(object["metadata"]["namespace"], CHAOS_NAMESPACE, "{at}");
            assert_eq!(
                object["metadata"]["labels"]["evolution-of-todo/experiment"],
                name(object),
                "{at}: the label `kubectl apply -l` selects by"
            );
        }
    }
}

#[test]
fn the_validator_refuses_broken_chaos_objects() {
    let schedules = schedules();
    let kill = &schedules["pod-kill-task-api"];
    let delay = &schedules["kafka-delay"];
    let broken: [(&Value, &str, Value, &str); 7] = [
        (
            kill,
            "/spec/podChaos/gracePeriodSeconds",
            json!(0),
            "unknown field \"gracePeriodSeconds\"",
        ),
        (kill, "/spec/podChaos/action", json!("pod-crash"), "is not one of"),
        (
            kill,
            "/spec/type",
            json!("NetworkChaos"),
            "does not match the embedded experiment",
        ),
        (kill, "/spec/schedule", json!("0 10 * * 8"), "not a cron schedule"),
        (
            kill,
            "/spec/podChaos/mode",
            json!("fixed-percent"),
            "needs a whole number as value",
        ),
        (
            delay,
            "/spec/networkChaos/duration",
            json!("5 minutes"),
            "not a Go duration",
        ),
        (
            delay,
            "/spec/networkChaos/delay/latency",
            json!("100"),
            "not a Go duration",
        ),
    ];
    for (object, pointer, value, complaint) in broken {
        let mut object = object.clone();
        let (parent, field) = pointer.rsplit_once('/').expect("a pointer");
        object.pointer_mut(parent).expect("parent")[field] = value;
        match validate(object.to_string().as_bytes()) {
            Ok(()) => panic!("{pointer} = {} was accepted", object.pointer(pointer).expect("set")),
            Err(complaints) => assert!(
                complaints.contains(complaint),
                "{pointer}: expected {complaint:?} in:\n{complaints}"
            ),
        }
    }
    validate(kill.to_string().as_bytes()).expect("the unbroken Schedule validates");
}

#[test]
fn every_function_of_the_base_has_its_pod_kill() {
    let (_, base) = kustomize("knative/base");
    let running = pods(&render("knative", GAME_DAY_ENVIRONMENT));
    let experiments = experiments();
    let in_base: Vec<String> = pods(&base)
        .into_iter()
        .filter_map(|p| p.owner.strip_prefix("function ").map(str::to_owned))
        .collect();
    assert!(in_base.len() >= 11, "knative/base has the functions: {in_base:?}");
    for function in &in_base {
        let kill = experiments
            .get(&format!("pod-kill-{function}"))
            .unwrap_or_else(|| panic!("{function} has no pod-kill-{function} in knative/chaos/experiments"));
        assert_eq!(
            (&kill["kind"], &kill["spec"]["action"]),
            (&json!("PodChaos"), &json!("pod-kill"))
        );
        assert_eq!(
            picked(&kill["spec"]["selector"], &running),
            functions(std::slice::from_ref(function))
        );
    }
    for name in experiments.keys().filter_map(|n| n.strip_prefix("pod-kill-")) {
        assert!(
            in_base.iter().any(|f| f == name),
            "pod-kill-{name}: no such function in knative/base"
        );
    }
}

/// The functions whose NetworkPolicy allows an egress rule that `reaches`.
fn allowed(objects: &[Value], reaches: impl Fn(&Value) -> bool) -> Vec<String> {
    let mut names: Vec<String> = of_kind(objects, "NetworkPolicy")
        .into_iter()
        .filter(|p| p["spec"]["egress"].as_array().into_iter().flatten().any(&reaches))
        .filter_map(|p| p["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/name"].as_str())
        .map(str::to_owned)
        .collect();
    names.sort();
    names
}

/// The address range of the game day environment's VPC, from its Terraform.
fn game_day_vpc() -> String {
    let main = std::fs::read_to_string(repo().join(format!("terraform/environments/{GAME_DAY_ENVIRONMENT}/main.tf")))
        .expect("the environment's main.tf");
    let line = main
        .lines()
        .find(|l| l.trim_start().starts_with("vpc_ip_range"))
        .expect("vpc_ip_range");
    line.split('"').nth(1).expect("a quoted range").to_owned()
}

#[test]
fn every_selector_picks_pods_the_overlays_run_and_only_its_own() {
    let experiments = experiments();
    for env in [GAME_DAY_ENVIRONMENT, "prod"] {
        let objects = render("knative", env);
        let pods = pods(&objects);
        let brokers: BTreeSet<String> = pods
            .iter()
            .filter(|p| p.labels.get("strimzi.io/broker-role").is_some_and(|r| r == "true"))
            .map(|p| p.owner.clone())
            .collect();
        assert!(!brokers.is_empty(), "{env}: no Kafka broker pool");
        let kafka_clients = allowed(&objects, |rule| {
            rule["to"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|to| to["podSelector"]["matchLabels"]["strimzi.io/cluster"] == "todo-kafka")
        });
        let postgres_clients = allowed(&objects, |rule| {
            rule["ports"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|p| p["port"] == 25060)
        });
        assert!(
            !kafka_clients.is_empty() && !postgres_clients.is_empty(),
            "{env}: clients found"
        );
        for (name, experiment) in &experiments {
            let at = format!("{env} {name}");
            let spec = &experiment["spec"];
            for selector in [&spec["selector"], &spec["target"]["selector"]]
                .into_iter()
                .filter(|s| !s.is_null())
            {
                assert_eq!(
                    strings(&selector["namespaces"]),
                    ["todo"],
                    "{at}: the platform's namespace, named"
                );
                assert!(
                    !picked(selector, &pods).is_empty(),
                    "{at}: picks no pod of the {env} overlay"
                );
            }
            let source = picked(&spec["selector"], &pods);
            let target = picked(&spec["target"]["selector"], &pods);
            match name.as_str() {
                "kafka-broker-kill" => assert_eq!(source, brokers, "{at}: the brokers, not the controllers"),
                "kafka-delay" | "kafka-partition" => {
                    assert_eq!(
                        source,
                        functions(&kafka_clients),
                        "{at}: the functions allowed to reach Kafka"
                    );
                    assert_eq!(target, brokers, "{at}: toward the brokers");
                }
                "postgres-delay" | "postgres-partition" => {
                    assert_eq!(
                        source,
                        functions(&postgres_clients),
                        "{at}: the functions allowed to reach PostgreSQL"
                    );
                    assert_eq!(
                        strings(&spec["externalTargets"]),
                        [game_day_vpc()],
                        "{at}: the VPC of {GAME_DAY_ENVIRONMENT}"
                    );
                }
                kill if kill.starts_with("pod-kill-") => {
                    assert_eq!(source, functions(&[kill["pod-kill-".len()..].to_owned()]), "{at}");
                }
                other => panic!("{other}: a new experiment; say here what it must select"),
            }
        }
    }
}

/// A weekly cron `M H * * D` as (day of week, minutes into the day).
fn weekly_slot(cron: &str) -> (u32, u32) {
    let fields: Vec<&str> = cron.split(' ').collect();
    let number = |i: usize| {
        fields[i]
            .parse::<u32>()
            .unwrap_or_else(|_| panic!("{cron}: one value in field {i}"))
    };
    assert!(
        fields.len() == 5 && fields[2] == "*" && fields[3] == "*",
        "{cron}: not once a week"
    );
    (number(4), number(1) * 60 + number(0))
}

#[test]
fn every_experiment_is_bounded_and_a_schedule_runs_it_weekly_in_a_slot_of_its_own() {
    let experiments = experiments();
    let schedules = schedules();
    assert_eq!(
        schedules.keys().collect::<Vec<_>>(),
        experiments.keys().collect::<Vec<_>>(),
        "one Schedule per experiment, of the same name"
    );
    let mut slots = Vec::new();
    for (name, experiment) in &experiments {
        let spec = &experiment["spec"];
        let kind = experiment["kind"].as_str().expect("kind");
        let action = spec["action"].as_str().expect("action");
        // Bounded: a pod kill is one deletion (Chaos Mesh calls it one-shot); the others end.
        let length = match action {
            "pod-kill" => Duration::ZERO,
            "delay" | "partition" => go_duration(spec["duration"].as_str().expect("duration")),
            other => panic!("{name}: action {other}: say here how it is bounded"),
        };
        assert!(
            length <= LONGEST_EXPERIMENT,
            "{name}: {length:?} is too long for a game day"
        );
        if action == "delay" {
            let latency = go_duration(spec["delay"]["latency"].as_str().expect("latency"));
            assert!(
                latency <= LARGEST_DELAY,
                "{name}: a delay of {latency:?} is an outage, not a delay"
            );
        } else {
            // What removes pods or cuts them off takes one at a time; a delay removes nothing.
            assert_eq!(spec["mode"], "one", "{name}: one pod at a time");
        }

        let schedule = &schedules[name]["spec"];
        let embedded = format!("{}{}", kind[..1].to_lowercase(), &kind[1..]);
        assert_eq!(schedule["type"], kind, "{name}");
        assert_eq!(
            &schedule[embedded.as_str()],
            spec,
            "{name}: the Schedule runs the experiment's spec"
        );
        assert_eq!(schedule["concurrencyPolicy"], "Forbid", "{name}");
        assert!(
            (1..=10).contains(&schedule["historyLimit"].as_u64().unwrap_or(0)),
            "{name}: historyLimit"
        );
        assert!(
            schedule["startingDeadlineSeconds"].as_u64().is_some_and(|s| s <= 300),
            "{name}: a missed slot is skipped, not run hours late"
        );
        let (day, minute) = weekly_slot(schedule["schedule"].as_str().expect("schedule"));
        assert!(
            (9 * 60..17 * 60).contains(&minute),
            "{name}: in working hours (UTC), people watch"
        );
        slots.push((day, minute, length, name));
    }
    slots.sort();
    assert!(
        slots.iter().all(|s| s.0 == slots[0].0),
        "one game day a week: {slots:?}"
    );
    for pair in slots.windows(2) {
        let ((_, start, length, name), (_, next, _, next_name)) = (&pair[0], &pair[1]);
        let busy = Duration::from_secs(u64::from(*start) * 60) + *length + RECOVERY;
        assert!(
            busy <= Duration::from_secs(u64::from(*next) * 60),
            "{name} and its recovery overlap {next_name}"
        );
    }
}

#[test]
fn functions_at_zero_are_killed_while_their_periodic_work_runs() {
    // A pod kill that finds no pod never completes, and with `concurrencyPolicy: Forbid` it would
    // hold its Schedule for good: a function that scales to zero between pings is killed within
    // five minutes after a ping starts it.
    let objects = render("knative", GAME_DAY_ENVIRONMENT);
    let schedules = schedules();
    for service in of_kind(&objects, "Service")
        .into_iter()
        .filter(|s| s["spec"]["template"]["metadata"]["annotations"]["autoscaling.knative.dev/min-scale"] == "0")
    {
        let function = name(service);
        let pings: Vec<&str> = of_kind(&objects, "PingSource")
            .into_iter()
            .filter(|p| p["spec"]["sink"]["ref"]["name"] == function)
            .map(|p| p["spec"]["schedule"].as_str().expect("schedule"))
            .collect();
        assert!(
            !pings.is_empty(),
            "{function} scales to zero with no ping: its pod kill would find no pod"
        );
        if pings.contains(&"* * * * *") {
            continue;
        }
        let (_, slot) = weekly_slot(
            schedules[&format!("pod-kill-{function}")]["spec"]["schedule"]
                .as_str()
                .expect("schedule"),
        );
        let started = pings.iter().any(|ping| {
            let fields: Vec<&str> = ping.split(' ').collect();
            let minute: u32 = fields[0].parse().expect("a ping at one minute of the hour");
            let hour_fires = |h: u32| match fields[1].strip_prefix("*/") {
                Some(step) => h.is_multiple_of(step.parse::<u32>().expect("a step")),
                None => fields[1] == "*" || fields[1].split(',').any(|f| f.parse() == Ok(h)),
            };
            let fired = slot - slot % 60 + minute;
            hour_fires(slot / 60) && (fired + 1..=fired + 5).contains(&slot)
        });
        assert!(
            started,
            "{function}: its pod kill runs while no ping ({pings:?}) has started it"
        );
    }
}

#[test]
fn chaos_mesh_is_installed_only_where_the_game_day_runs_and_may_touch_only_the_platforms_namespace() {
    let facts = crate::terraform::facts();
    let install = &facts["chaos_mesh"];
    assert_eq!(
        install["namespace"], CHAOS_NAMESPACE,
        "Terraform installs Chaos Mesh where the experiments live"
    );
    assert_eq!(
        install["filters_namespaces"], true,
        "Chaos Mesh must be limited to annotated namespaces (controllerManager.enableFilterNamespace)"
    );
    let platform_namespace = facts["namespace"].as_str().expect("the platform's namespace");
    for env in crate::manifests::ENVIRONMENTS {
        let installed = facts["environments"][env]["chaos_mesh"] == true;
        assert_eq!(
            installed,
            env == GAME_DAY_ENVIRONMENT,
            "{env}: Chaos Mesh belongs to the game day's environment ({GAME_DAY_ENVIRONMENT}) alone"
        );
        let objects = render("knative", env);
        let namespace = of_kind(&objects, "Namespace")
            .into_iter()
            .find(|n| n["metadata"]["name"] == platform_namespace)
            .unwrap_or_else(|| panic!("knative/{env} has no namespace {platform_namespace}"));
        assert_eq!(
            namespace["metadata"]["annotations"]["chaos-mesh.org/inject"] == "enabled",
            installed,
            "knative/{env}: namespace {platform_namespace} must let Chaos Mesh in exactly where it is installed"
        );
    }
}
