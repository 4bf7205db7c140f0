//! The event consumers through `todo serve`, as a person sees them: a webhook receives
//! `task.created` and `task.due_soon` with valid Standard Webhooks signatures; completing a daily
//! task creates tomorrow's occurrence once; after a random workload the analytics summary equals
//! what task-api says; `todo watch` prints every change; `todo analytics rebuild` gives the same
//! numbers again. Run on the embedded default and on PostgreSQL + Kafka.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::HeaderMap;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use crate::harness::{Platform, TODO};

/// One request the webhook receiver got.
#[derive(Debug, Clone)]
struct Hook {
    id: String,
    timestamp: i64,
    signature: String,
    body: Bytes,
}

impl Hook {
    fn event(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a CloudEvent body")
    }
}

/// An HTTP endpoint on 127.0.0.1 recording what it receives.
async fn receiver() -> (String, Arc<Mutex<Vec<Hook>>>) {
    let hooks: Arc<Mutex<Vec<Hook>>> = Arc::default();
    let seen = hooks.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let seen = seen.clone();
            async move {
                let header = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned()
                };
                seen.lock().expect("hooks").push(Hook {
                    id: header("webhook-id"),
                    timestamp: header("webhook-timestamp").parse().unwrap_or_default(),
                    signature: header("webhook-signature"),
                    body,
                });
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/hook"), hooks)
}

/// `todo watch --json`, collecting the events it prints.
struct Watch {
    child: Child,
    lines: Arc<Mutex<Vec<Value>>>,
}

impl Watch {
    fn start(platform: &Platform) -> Self {
        let mut child = Command::new(TODO)
            .args(["watch", "--json"])
            .env("TODO_DATA_DIR", &platform.data_dir)
            .env("TODO_API", &platform.url)
            .env_remove("TODO_TOKEN")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start todo watch");
        let stdout = child.stdout.take().expect("stdout");
        let lines: Arc<Mutex<Vec<Value>>> = Arc::default();
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Ok(event) = serde_json::from_str(&line) {
                    sink.lock().expect("lines").push(event);
                }
            }
        });
        Self { child, lines }
    }

    fn count(&self, event_type: &str) -> usize {
        self.lines
            .lock()
            .expect("lines")
            .iter()
            .filter(|e| e["type"] == event_type)
            .count()
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The API as the `local` user of a platform.
struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    fn of(platform: &Platform) -> Self {
        let token = std::fs::read_to_string(platform.data_dir.join("local.token")).expect("token");
        Self {
            http: reqwest::Client::new(),
            base: platform.url.clone(),
            token: token.trim().to_owned(),
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let text = response.text().await.expect("body");
        assert!(status.is_success(), "{method} {path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    async fn tasks(&self, query: &str) -> Vec<Value> {
        let page = self
            .call(reqwest::Method::GET, &format!("/api/tasks?limit=200{query}"), None)
            .await;
        page["items"].as_array().cloned().unwrap_or_default()
    }
}

/// Waits up to `seconds` for `check` to hold, then asserts it with `what`.
async fn eventually<F, Fut>(seconds: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
    loop {
        match check().await {
            Ok(()) => return,
            Err(why) if tokio::time::Instant::now() > deadline => panic!("{what}: {why}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

/// The whole flow on a started platform (`SCHEDULER_TICK_SECONDS=1`, private targets allowed).
pub(crate) async fn the_consumers_do_their_work(platform: &Platform, rebuild: &[&str]) {
    let api = Api::of(platform);
    let (url, hooks) = receiver().await;
    let subscription = api
        .call(
            reqwest::Method::POST,
            "/api/webhooks",
            Some(json!({"url": url, "event_types": ["task.created", "task.due_soon"]})),
        )
        .await;
    let secret = subscription["secret"].as_str().expect("a secret").to_owned();
    let watch = Watch::start(platform);
    tokio::time::sleep(Duration::from_millis(700)).await;

    // A task due in 30 minutes: created and due soon, both signed.
    platform.ok(&["add", "Call the dentist", "--due", "in 30 minutes"]);
    eventually(20, "the webhook gets task.created and task.due_soon", || {
        let types: Vec<String> = hooks
            .lock()
            .expect("hooks")
            .iter()
            .map(|h| h.event()["type"].as_str().unwrap_or_default().to_owned())
            .collect();
        async move {
            if types.contains(&"task.created".to_owned()) && types.contains(&"task.due_soon".to_owned()) {
                Ok(())
            } else {
                Err(format!("got {types:?}"))
            }
        }
    })
    .await;
    for hook in hooks.lock().expect("hooks").iter() {
        assert!(
            notifier::verify_signature(&secret, &hook.id, hook.timestamp, &hook.body, &hook.signature),
            "the signature of {} verifies",
            hook.id
        );
        assert!(!notifier::verify_signature(
            "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            &hook.id,
            hook.timestamp,
            &hook.body,
            &hook.signature
        ));
        assert_eq!(hook.event()["subject"], "task/1");
    }

    // A daily task completed: tomorrow's occurrence appears once.
    platform.ok(&["add", "Water the plants", "--due", "in 2 hours", "--every", "daily"]);
    platform.ok(&["done", "2"]);
    eventually(20, "the next occurrence appears", || async {
        let series: Vec<Value> = api
            .tasks("")
            .await
            .into_iter()
            .filter(|t| t["series_id"] == 2)
            .collect();
        if series.len() == 2 {
            Ok(())
        } else {
            Err(format!("series {series:?}"))
        }
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let series: Vec<Value> = api
        .tasks("")
        .await
        .into_iter()
        .filter(|t| t["series_id"] == 2)
        .collect();
    assert_eq!(series.len(), 2, "exactly one next occurrence: {series:?}");
    let next = series.iter().find(|t| t["occurrence"] == 2).expect("occurrence 2");
    let due = |t: &Value| chrono::DateTime::parse_from_rfc3339(t["due_at"].as_str().expect("due")).expect("time");
    let first = series.iter().find(|t| t["occurrence"] == 1).expect("occurrence 1");
    assert_eq!(due(next) - due(first), chrono::Duration::days(1));
    assert_eq!(next["status"], "pending");

    // A random workload, then the read model equals the truth from task-api.
    let deleted = random_workload(&api, 40).await;
    let expected = truth(&api, deleted).await;
    eventually(30, "the analytics summary matches task-api", || async {
        let summary = api.call(reqwest::Method::GET, "/api/analytics/summary", None).await;
        let got = observed(&summary);
        if got == expected {
            Ok(())
        } else {
            Err(format!("summary {got:?}, truth {expected:?}"))
        }
    })
    .await;

    // Every change was shown live.
    let created = expected["created"].as_i64().unwrap_or_default();
    eventually(20, "todo watch printed every change", || {
        let (seen, completed) = (watch.count("task.created"), watch.count("task.completed"));
        async move {
            if i64::try_from(seen).unwrap_or(-1) == created && completed > 0 {
                Ok(())
            } else {
                Err(format!("{seen} task.created, {completed} task.completed printed"))
            }
        }
    })
    .await;
    assert!(watch.count("task.due_soon") >= 1);

    // A rebuild from the event history gives the same numbers.
    let mut args = vec!["analytics", "rebuild"];
    args.extend_from_slice(rebuild);
    let out = platform.todo(&args);
    assert!(out.status.success(), "rebuild failed: {}", out.stderr);
    assert!(
        out.stdout.contains("Rebuilt the analytics read model"),
        "{}",
        out.stdout
    );
    let summary = api.call(reqwest::Method::GET, "/api/analytics/summary", None).await;
    assert_eq!(observed(&summary), expected, "the same numbers after the rebuild");
    let printed = platform.ok(&["analytics", "summary"]);
    assert!(printed.contains("completion rate"), "{printed}");
}

/// Creates, completes, reopens, re-prioritises and deletes tasks at random; returns how many
/// were deleted. Completed tasks are never deleted, so "completed" stays countable from the API.
async fn random_workload(api: &Api, steps: usize) -> i64 {
    let mut rng = StdRng::seed_from_u64(2026);
    let mut deleted = 0;
    let priorities = ["low", "medium", "high", "urgent"];
    let tags = ["home", "work", "errand"];
    for step in 0..steps {
        let pending: Vec<i64> = api
            .tasks("&status=pending")
            .await
            .iter()
            .filter_map(|t| t["id"].as_i64())
            .collect();
        let completed: Vec<i64> = api
            .tasks("&status=completed")
            .await
            .iter()
            .filter_map(|t| t["id"].as_i64())
            .collect();
        let choice = rng.random_range(0..10);
        match choice {
            0..=3 => {
                let hours = rng.random_range(-48..96);
                let due = (chrono::Utc::now() + chrono::Duration::hours(hours)).to_rfc3339();
                let body = json!({
                    "title": format!("task {step}"),
                    "priority": priorities[rng.random_range(0..priorities.len())],
                    "tags": [tags[rng.random_range(0..tags.len())]],
                    "due_at": due,
                });
                api.call(reqwest::Method::POST, "/api/tasks", Some(body)).await;
            }
            4 | 5 if !pending.is_empty() => {
                let id = pending[rng.random_range(0..pending.len())];
                api.call(reqwest::Method::POST, &format!("/api/tasks/{id}/complete"), None)
                    .await;
            }
            6 if !completed.is_empty() => {
                let id = completed[rng.random_range(0..completed.len())];
                api.call(reqwest::Method::POST, &format!("/api/tasks/{id}/reopen"), None)
                    .await;
            }
            7 | 8 if !pending.is_empty() => {
                let id = pending[rng.random_range(0..pending.len())];
                let priority = priorities[rng.random_range(0..priorities.len())];
                let tag = tags[rng.random_range(0..tags.len())];
                api.call(
                    reqwest::Method::PATCH,
                    &format!("/api/tasks/{id}"),
                    Some(json!({"priority": priority, "tags": [tag]})),
                )
                .await;
            }
            _ if !pending.is_empty() => {
                let id = pending[rng.random_range(0..pending.len())];
                api.call(reqwest::Method::DELETE, &format!("/api/tasks/{id}"), None)
                    .await;
                deleted += 1;
            }
            _ => {}
        }
    }
    deleted
}

/// What the read model must say, computed from task-api's own lists.
async fn truth(api: &Api, deleted: i64) -> Value {
    let all = api.tasks("").await;
    let pending = api.tasks("&status=pending").await;
    let overdue = api.tasks("&overdue=true").await;
    let completed = api.tasks("&status=completed").await;
    let mut by_priority: BTreeMap<String, i64> = ["low", "medium", "high", "urgent"]
        .iter()
        .map(|p| ((*p).to_owned(), 0))
        .collect();
    let mut by_tag: BTreeMap<String, i64> = BTreeMap::new();
    for task in &pending {
        *by_priority
            .entry(task["priority"].as_str().unwrap_or_default().to_owned())
            .or_default() += 1;
        for tag in task["tags"].as_array().into_iter().flatten() {
            *by_tag.entry(tag.as_str().unwrap_or_default().to_owned()).or_default() += 1;
        }
    }
    json!({
        "created": i64::try_from(all.len()).unwrap_or_default() + deleted,
        "completed": completed.len(),
        "deleted": deleted,
        "open": pending.len(),
        "overdue": overdue.len(),
        "by_priority": by_priority,
        "by_tag": by_tag,
    })
}

/// The summary's numbers that [`truth`] computes.
fn observed(summary: &Value) -> Value {
    let by_tag: BTreeMap<String, i64> = summary["by_tag"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, n)| n.as_i64() != Some(0))
        .map(|(tag, n)| (tag.clone(), n.as_i64().unwrap_or_default()))
        .collect();
    json!({
        "created": summary["created"],
        "completed": summary["completed"],
        "deleted": summary["deleted"],
        "open": summary["open"],
        "overdue": summary["overdue"],
        "by_priority": summary["by_priority"],
        "by_tag": by_tag,
    })
}
