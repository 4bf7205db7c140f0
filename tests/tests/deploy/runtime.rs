//! The dev overlay runs on this machine: each function's binary starts with exactly the variables
//! its Knative Service declares (ConfigMap values from the rendered `todo-config`, Secret values
//! from a test Secret, cluster addresses mapped to this machine), answers its readiness probe, and
//! takes the CloudEvents its KafkaSources and PingSources send, in binary mode as Knative does.
//! `BACKGROUND_WORK=trigger` in dev, so no loop runs: the periodic work happens only because its
//! trigger fired.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::Duration;

use chrono::Utc;
use serde_json::{Value, json};
use todo_events::{DomainEvent, EventMetadata, EventPayload, TaskCreated};
use todo_testing::{TestDatabase, TestObjectStore};
use todo_tests::processes::{Functions, SECRET, binary, free_port, wait_for};

use crate::manifests::{Source, config_value, container_env, functions, of_kind, render};

/// The test Secret `todo-secrets`: what operations would create in the cluster (Spaces is the
/// test S3 server: the archive and the backups at prefixes of this run's own).
fn secret(key: &str, database: &str, objects: &Objects) -> Option<String> {
    let [(_, access_key), (_, secret_key)] = todo_testing::s3_test_env();
    match key {
        "database-url" => Some(database.to_owned()),
        "auth-jwt-secret" => Some(SECRET.to_owned()),
        "aiops-webhook-token" => Some("deploy-test-aiops-webhook-token".to_owned()),
        "session-store-url" => Some("redis://127.0.0.1:6379".to_owned()),
        "archive-store-url" => Some(objects.archive.url()),
        "backup-store-url" => Some(objects.backups.url()),
        "spaces-access-key-id" => Some(access_key),
        "spaces-secret-access-key" => Some(secret_key),
        _ => None,
    }
}

/// Where this run's functions keep objects (emptied when the test ends).
struct Objects {
    archive: TestObjectStore,
    backups: TestObjectStore,
}

/// A cluster address in a ConfigMap value, mapped to where it runs here. An address the test
/// does not know fails the test rather than pass unnoticed.
fn local(value: &str, ports: &BTreeMap<String, u16>, brokers: &str) -> String {
    if let Some(rest) = value.strip_prefix("kafka://") {
        let query = rest.split_once('?').map(|(_, q)| format!("?{q}")).unwrap_or_default();
        return format!("kafka://{brokers}{query}");
    }
    for (function, port) in ports {
        let cluster = format!("http://{function}.todo.svc.cluster.local");
        if let Some(path) = value.strip_prefix(&cluster) {
            return format!("http://127.0.0.1:{port}{path}");
        }
    }
    if value.contains("otel-collector") {
        // Nothing collects here: spans are dropped after a failed export, as when the collector is down.
        return "http://127.0.0.1:9".into();
    }
    if value.contains("prometheus.observability") || value.contains("loki.observability") {
        // No Prometheus or Loki here: aiops' watch fails and counts it (aiops_watch_errors_total),
        // as when they are down; its webhook and API still answer.
        return "http://127.0.0.1:9".into();
    }
    assert!(!value.contains(".svc"), "unmapped cluster address in '{value}'");
    value.to_owned()
}

/// Posts a CloudEvent in binary mode, as a Knative source delivers it.
async fn post_binary(url: &str, event: &cloudevents::Event) -> reqwest::Response {
    let record = todo_kit::bus::binding::encode(event);
    let mut request = reqwest::Client::new().post(url);
    for (name, value) in &record.headers {
        request = request.header(name.replacen("ce_", "ce-", 1), value.as_slice());
    }
    request.body(record.value).send().await.expect("deliver")
}

/// What a PingSource sends: its data, with Knative's ping attributes.
async fn ping(url: &str, source: &Value) -> reqwest::Response {
    let spec = &source["spec"];
    reqwest::Client::new()
        .post(url)
        .header("ce-specversion", "1.0")
        .header("ce-type", "dev.knative.sources.ping")
        .header(
            "ce-source",
            format!(
                "/apis/v1/namespaces/todo/pingsources/{}",
                source["metadata"]["name"].as_str().unwrap_or_default()
            ),
        )
        .header("ce-id", uuid::Uuid::new_v4().to_string())
        .header(
            "content-type",
            spec["contentType"].as_str().unwrap_or("application/json"),
        )
        .body(spec["data"].as_str().unwrap_or_default().to_owned())
        .send()
        .await
        .expect("ping")
}

/// Starts `name` on `port` with only `env` (and `PATH`, `PORT`, as Knative gives), and waits until
/// it logs that it listens (its logs are JSON at info, as `todo-config` sets them); `Err` with the
/// reason when it stops first. Its log lines are passed on to this test's output.
fn start_listening(name: &str, port: u16, env: &[(String, String)]) -> Result<std::process::Child, String> {
    use std::io::BufRead;
    let mut child = Command::new(binary(name))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PORT", port.to_string())
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run it: {e}"))?;
    let stderr = child.stderr.take().expect("stderr");
    let (listening, heard) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("{line}");
            if line.contains(r#""message":"listening""#) {
                let _ = listening.send(Ok(()));
            } else if line.contains(r#""message":"stopped""#) {
                let _ = listening.send(Err(line));
            }
        }
    });
    match heard.recv_timeout(Duration::from_secs(30)) {
        Ok(Ok(())) => Ok(child),
        Ok(Err(line)) => {
            let _ = child.wait();
            Err(line)
        }
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            Err("no 'listening' log line within 30 s".into())
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dev_overlay_runs_here_and_does_its_work_when_its_triggers_fire() {
    // Arrange: the database, the broker, and each function on a port of its own.
    let objects = render("knative", "dev");
    let described = functions();
    let db = TestDatabase::postgres().await;
    todo_tasks::store::connect(db.url()).await.expect("migrate");
    let brokers = todo_tests::kafka_brokers();
    let prefix = format!("deploy-{}.", uuid::Uuid::new_v4().simple());
    let objects_prefix = Objects {
        archive: TestObjectStore::s3(),
        backups: TestObjectStore::s3(),
    };
    let mut ports: BTreeMap<String, u16> = described.keys().map(|name| (name.clone(), free_port())).collect();
    let mut running = Functions::default();
    // outbox-relay first: it creates the topics the archiver subscribes to. chat-api last: its
    // peers' addresses are in its environment.
    let mut order: Vec<String> = vec!["outbox-relay".into()];
    order.extend(
        ports
            .keys()
            .filter(|n| *n != "chat-api" && *n != "outbox-relay")
            .cloned(),
    );
    order.push("chat-api".into());
    for name in &order {
        let service = crate::manifests::workload(&objects, "knative", name).expect("service");
        let mut env = Vec::new();
        for (var, source) in container_env(service) {
            let value = match source {
                Source::ConfigMap { name: map, key } => config_value(&objects, &map, &key),
                Source::Secret { key, optional, .. } => {
                    let value = secret(&key, db.url(), &objects_prefix);
                    assert!(value.is_some() || optional, "{name}: the test Secret has no {key}");
                    value
                }
                Source::Literal(value) => Some(value),
            };
            let Some(value) = value else { continue };
            // The one value changed: topics of this run's own on the shared test broker.
            let value = if var == "TOPIC_PREFIX" {
                prefix.clone()
            } else {
                local(&value, &ports, &brokers)
            };
            env.push((var, value));
        }
        // A free port can be taken by another test's process before this one binds it: then the
        // function says so and stops, and gets another port.
        let mut tries = 0;
        let child = loop {
            tries += 1;
            match start_listening(name, ports[name], &env) {
                Ok(child) => break child,
                Err(reason) if tries < 4 => {
                    eprintln!("{name} did not start on {} ({reason}); another port", ports[name]);
                    ports.insert(name.clone(), free_port());
                }
                Err(reason) => panic!("{name} did not start: {reason}"),
            }
        };
        running.0.push(child);
        let probe = &service["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["path"];
        let probe = probe
            .as_str()
            .unwrap_or_else(|| panic!("{name} has no readiness probe path"));
        wait_for(ports[name], probe, Duration::from_secs(30)).await;
    }
    let url = |name: &str, path: &str| format!("http://127.0.0.1:{}{path}", ports[name]);
    let user = format!("deploy-{}", uuid::Uuid::new_v4().simple());
    let token = todo_kit::auth::mint_hs256(SECRET.as_bytes(), &user, Duration::from_secs(600)).expect("token");
    let http = reqwest::Client::new();

    // Act 1: a task due in half an hour, through task-api; its event waits in the outbox.
    let created: Value = http
        .post(url("task-api", "/api/tasks"))
        .bearer_auth(&token)
        .json(&json!({"title": "deployed", "due_at": (Utc::now() + chrono::Duration::minutes(30)).to_rfc3339()}))
        .send()
        .await
        .expect("create")
        .json()
        .await
        .expect("task");
    let task_id = created["id"].as_i64().expect("task id");

    // Act 1b: the page signs the user in with a one-time link (dev has no identity provider), and
    // its session cookie is what task-api takes in place of the bearer token.
    let link = web::mint_link(SECRET.as_bytes(), &user, &url("web", "")).expect("link");
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let signed_in = no_redirects.get(&link).send().await.expect("sign in");
    assert!(signed_in.status().is_redirection(), "{}", signed_in.status());
    let session = todo_testing::set_cookies(signed_in.headers())
        .into_iter()
        .find(|(name, ..)| name == todo_kit::auth::browser::SESSION_COOKIE)
        .map(|(name, value, _)| format!("{name}={value}"))
        .expect("a session cookie");
    let spent = no_redirects.get(&link).send().await.expect("again");
    assert!(
        !spent.status().is_redirection(),
        "a link signs in once: {}",
        spent.status()
    );
    let page = http.get(url("web", "/")).send().await.expect("page");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("html").contains("<html"), "the page");
    let listed: Value = http
        .get(url("task-api", "/api/tasks"))
        .header(reqwest::header::COOKIE, &session)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("tasks");
    assert!(listed.to_string().contains("deployed"), "{listed}");

    // Act 2: every PingSource fires once, in an order that makes each one's work visible.
    let pings = of_kind(&objects, "PingSource");
    let fire = |function: &str| {
        let source = pings
            .iter()
            .find(|p| p["spec"]["sink"]["ref"]["name"] == function)
            .unwrap_or_else(|| panic!("no PingSource for {function}"));
        let path = source["spec"]["sink"]["uri"].as_str().expect("uri").to_owned();
        (url(function, &path), (*source).clone())
    };
    let mut reports = BTreeMap::new();
    for function in ["outbox-relay", "scheduler", "notifier", "session-api", "backup"] {
        let (target, source) = fire(function);
        let response = ping(&target, &source).await;
        assert_eq!(response.status(), 200, "{function}: {target}");
        reports.insert(function, response.json::<Value>().await.expect("report"));
    }
    // Assert: the relay published the creation, the scheduler announced the due date.
    assert!(reports["outbox-relay"]["published"].as_u64() >= Some(1), "{reports:?}");
    assert_eq!(reports["scheduler"]["due_soon"], 1, "{reports:?}");
    assert!(reports["backup"]["backup_id"].is_string(), "{reports:?}");
    assert!(
        reports["backup"]["rows"].as_u64() >= Some(1),
        "the task is in the backup: {reports:?}"
    );
    let (target, source) = fire("outbox-relay");
    let again: Value = ping(&target, &source).await.json().await.expect("report");
    assert_eq!(again["published"], 1, "the announcement was drained too: {again}");

    // Act 3: every KafkaSource delivers a task.created of this user to its sink.
    let event = DomainEvent::new(
        "/functions/task-api",
        Utc::now(),
        EventMetadata {
            user_id: Some(user.clone()),
            ..EventMetadata::default()
        },
        EventPayload::TaskCreated(TaskCreated {
            task_id,
            title: "deployed".into(),
            description: None,
            priority: "medium".into(),
            tags: Vec::new(),
            due_at: None,
            recurrence: None,
        }),
    )
    .to_cloudevent();
    for source in of_kind(&objects, "KafkaSource") {
        let sink = source["spec"]["sink"]["ref"]["name"].as_str().expect("sink");
        let response = post_binary(&url(sink, "/"), &event).await;
        assert!(response.status().is_success(), "{sink}: {}", response.status());
    }
    // Assert: the read model counted it; every consumer says it took it.
    let summary: Value = http
        .get(url("analytics", "/api/analytics/summary"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("summary")
        .json()
        .await
        .expect("summary json");
    assert_eq!(summary["created"], 1, "{summary}");
    // The archiver pulled what the relay published (task.created, task.due_soon) into the archive.
    let archived = || async {
        let scrape = http.get(url("archiver", "/metrics")).send().await.expect("scrape");
        let text = scrape.text().await.expect("text");
        todo_testing::sample(&text, "archived_events_total", &[("topic", "task-events")])
    };
    let waited = std::time::Instant::now();
    while archived().await < 2.0 {
        assert!(
            waited.elapsed() < Duration::from_secs(60),
            "the archiver archived nothing"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    for (name, function) in &described {
        if function["consumes"].as_array().is_none_or(Vec::is_empty) || function["delivery"] == "batches" {
            continue;
        }
        let scrape = http
            .get(url(name, "/metrics"))
            .send()
            .await
            .expect("scrape")
            .text()
            .await
            .expect("text");
        let consumed: f64 = ["processed", "skipped", "duplicate"]
            .iter()
            .map(|outcome| {
                todo_testing::sample(
                    &scrape,
                    "events_consumed_total",
                    &[
                        ("consumer", name.as_str()),
                        ("type", "task.created"),
                        ("outcome", outcome),
                    ],
                )
            })
            .sum();
        assert!(consumed >= 1.0, "{name} did not take the pushed event:\n{scrape}");
    }
    drop(running);
}
