//! Scale to zero loses no work: with `BACKGROUND_WORK=trigger` no loop runs, so the only way the
//! periodic work gets done is its trigger's CloudEvent on `POST /work/{name}`, as a PingSource
//! sends it. Each case starts the real binary that way and checks the work's effect: a session
//! expires, a failed webhook is retried until it is delivered. (The due-date announcement and the
//! outbox drain are checked from the dev overlay in `runtime`.)

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::http::StatusCode;
use chrono::Utc;
use serde_json::{Value, json};
use todo_events::{DomainEvent, EventMetadata, EventPayload, TaskCreated};
use todo_testing::TestDatabase;
use todo_tests::processes::{Functions, SECRET, free_port, wait_healthy};

/// What a PingSource posts: a CloudEvent in binary mode with its data.
async fn trigger(port: u16, work: &str) -> Value {
    let response = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/work/{work}"))
        .header("ce-specversion", "1.0")
        .header("ce-type", "dev.knative.sources.ping")
        .header("ce-source", format!("/apis/v1/namespaces/todo/pingsources/{work}"))
        .header("ce-id", uuid::Uuid::new_v4().to_string())
        .header("content-type", "application/json")
        .body(json!({ "work": work }).to_string())
        .send()
        .await
        .expect("trigger");
    assert_eq!(response.status(), 200, "/work/{work}");
    response.json().await.expect("a report")
}

fn token(user: &str) -> String {
    todo_kit::auth::mint_hs256(SECRET.as_bytes(), user, Duration::from_secs(600)).expect("token")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_session_expires_once_when_the_trigger_fires() {
    // Arrange: session-api on Redis with a 1 s TTL and no loop.
    let port = free_port();
    let prefix = format!("todo-test:{}:", uuid::Uuid::new_v4().simple());
    let mut functions = Functions::default();
    functions.start(
        "session-api",
        port,
        &[
            ("SESSION_STORE", "redis://127.0.0.1:6379".to_owned()),
            ("SESSION_KEY_PREFIX", prefix),
            ("SESSION_TTL_SECONDS", "1".to_owned()),
            ("BACKGROUND_WORK", "trigger".to_owned()),
        ],
    );
    wait_healthy(port).await;
    let http = reqwest::Client::new();
    let created: Value = http
        .post(format!("http://127.0.0.1:{port}/api/sessions"))
        .bearer_auth(token("sleeper"))
        .json(&json!({}))
        .send()
        .await
        .expect("open")
        .json()
        .await
        .expect("session");
    assert!(created["id"].is_string(), "{created}");
    tokio::time::sleep(Duration::from_millis(1500)).await;

    // Act
    let report = trigger(port, "sessions").await;

    // Assert: the sweep found it (no loop could have), and its events were published.
    assert_eq!(report["expired"], 1, "{report}");
    assert!(report["published"].as_u64() >= Some(2), "created and expired: {report}");
    let again = trigger(port, "sessions").await;
    assert_eq!(again["expired"], 0, "a session expires once: {again}");
}

/// A webhook endpoint that fails its first request and accepts the others.
async fn flaky_receiver() -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move || {
            let hits = counted.clone();
            async move {
                if hits.fetch_add(1, Ordering::SeqCst) == 0 {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::NO_CONTENT
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, hits)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_webhook_is_retried_and_delivered_by_triggers_alone() {
    // Arrange: notifier with no loop, a subscription, and an endpoint that fails once.
    let db = TestDatabase::postgres().await;
    let port = free_port();
    let mut functions = Functions::default();
    functions.start(
        "notifier",
        port,
        &[
            ("DATABASE_URL", db.url().to_owned()),
            ("BACKGROUND_WORK", "trigger".to_owned()),
            ("WEBHOOK_ALLOW_PRIVATE_TARGETS", "true".to_owned()),
            ("WEBHOOK_BACKOFF_BASE_SECONDS", "1".to_owned()),
        ],
    );
    wait_healthy(port).await;
    let (endpoint, hits) = flaky_receiver().await;
    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let subscription: Value = http
        .post(format!("{base}/api/webhooks"))
        .bearer_auth(token("hooked"))
        .json(&json!({ "url": endpoint, "event_types": ["task.created"] }))
        .send()
        .await
        .expect("subscribe")
        .json()
        .await
        .expect("subscription");
    let subscription = subscription["id"].as_str().expect("id").to_owned();
    let event = DomainEvent::new(
        "/functions/task-api",
        Utc::now(),
        EventMetadata {
            user_id: Some("hooked".into()),
            ..EventMetadata::default()
        },
        EventPayload::TaskCreated(TaskCreated {
            task_id: 7,
            title: "ring me".into(),
            description: None,
            priority: "medium".into(),
            tags: Vec::new(),
            due_at: None,
            recurrence: None,
        }),
    );
    let record = todo_kit::bus::binding::encode(&event.to_cloudevent());
    let mut push = http.post(format!("{base}/"));
    for (name, value) in &record.headers {
        push = push.header(name.replacen("ce_", "ce-", 1), value.as_slice());
    }
    let pushed = push.body(record.value).send().await.expect("push");
    assert!(pushed.status().is_success(), "{}", pushed.status());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "no loop runs: nothing is sent before a trigger"
    );

    // Act: the trigger fires until the retry, due after the backoff, has gone out.
    let first = trigger(port, "deliveries").await;
    for _ in 0..40 {
        if hits.load(Ordering::SeqCst) >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
        trigger(port, "deliveries").await;
    }

    // Assert
    // Full jitter may draw a pause of a few milliseconds, making the retry due within the first
    // run already; either way both attempts went out on triggers alone.
    assert!(matches!(first["attempted"].as_u64(), Some(1 | 2)), "{first}");
    assert_eq!(hits.load(Ordering::SeqCst), 2);
    let log: Value = http
        .get(format!("{base}/api/webhooks/{subscription}/deliveries"))
        .bearer_auth(token("hooked"))
        .send()
        .await
        .expect("log")
        .json()
        .await
        .expect("deliveries");
    let delivery = &log["items"][0];
    assert_eq!(delivery["status"], "sent", "{log}");
    assert_eq!(delivery["attempts"], 2, "{log}");
}
