//! Deliveries end to end: handler, worker, a real endpoint, the delivery log and the outbox.

use std::time::Duration;

use axum::http::Method;
use notifier::Settings;
use notifier::worker::Attempted;
use serde_json::{Value, json};
use todo_events::{DomainEvent, EventPayload, TaskUpdated};
use todo_kit::handler::Outcome;

use crate::helpers::{Backend, TestNotifier, on_both, open, settings, spawn, spawn_with, start, task_created};
use crate::receiver::Receiver;

on_both!(
    a_delivery_is_signed_and_carries_the_cloudevent,
    failures_are_retried_with_backoff_until_sent,
    a_delivery_failing_past_the_retry_horizon_fails_for_good,
    a_duplicate_event_is_delivered_once,
    events_nobody_subscribed_to_are_skipped,
    an_endpoint_answering_gone_disables_its_subscription,
    a_target_that_turned_private_fails_without_a_connection,
    a_hanging_endpoint_does_not_delay_another,
    a_connection_error_is_recorded_without_the_target_url,
);

async fn log(app: &TestNotifier, user: &str, subscription: &str) -> Vec<Value> {
    let answer = app
        .call(
            Some(user),
            Method::GET,
            &format!("/api/webhooks/{subscription}/deliveries"),
            None,
        )
        .await;
    answer.body["items"].as_array().cloned().unwrap_or_default()
}

fn id_of(created: &Value) -> String {
    created["id"].as_str().expect("an id").to_owned()
}

async fn a_delivery_is_signed_and_carries_the_cloudevent(backend: Backend) {
    // Arrange
    let app = spawn(backend).await;
    let endpoint = Receiver::start(&[]).await;
    let url = format!("{}?token=abc", endpoint.url);
    let created = app.subscribe("alice", &url, json!({})).await;
    let secret = created["secret"].as_str().expect("a secret");
    let event = task_created("alice");
    // Act
    assert_eq!(app.deliver_event(&event).await, Outcome::Done);
    let attempts = app.notifier.worker.step().await.expect("a round");
    // Assert: the request.
    assert_eq!(attempts, [Attempted::Sent]);
    let received = endpoint.received();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    let delivery = &log(&app, "alice", &id_of(&created)).await[0];
    let webhook_id = request.header("webhook-id");
    assert_eq!(webhook_id, delivery["id"].as_str().expect("an id"));
    let timestamp: i64 = request.header("webhook-timestamp").parse().expect("unix seconds");
    assert_eq!(timestamp, start().timestamp());
    let signature = request.header("webhook-signature");
    assert!(signature.starts_with("v1,"));
    assert!(notifier::verify_signature(
        secret,
        webhook_id,
        timestamp,
        &request.body,
        signature
    ));
    let other = notifier::signature::generate_secret();
    assert!(!notifier::verify_signature(
        &other,
        webhook_id,
        timestamp,
        &request.body,
        signature
    ));
    assert_eq!(request.header("content-type"), "application/cloudevents+json");
    assert!(request.header("user-agent").starts_with("todo-notifier/"));
    let body: Value = serde_json::from_slice(&request.body).expect("a JSON body");
    assert_eq!(body["specversion"], "1.0");
    assert_eq!(body["type"], "task.created");
    assert_eq!(body["id"], event.id.to_string());
    assert_eq!(
        DomainEvent::from_structured_json(&body).expect("a valid CloudEvent"),
        event
    );
    // Assert: the log and the outbox.
    assert_eq!(delivery["status"], "sent");
    assert_eq!(delivery["attempts"], 1);
    assert_eq!(delivery["last_status_code"], 200);
    let outbox = app.outbox().await;
    assert_eq!(outbox.len(), 1);
    let (event_type, sent) = &outbox[0];
    assert_eq!(event_type, "notification.sent");
    assert_eq!(sent["source"], "/functions/notifier");
    assert_eq!(sent["userid"], "alice");
    assert_eq!(sent["causationid"], event.id.to_string());
    assert_eq!(sent["correlationid"], "corr-1");
    assert_eq!(
        sent["data"],
        json!({ "notification_id": webhook_id, "type": "task.created", "recipient": endpoint.url, "status": "delivered" })
    );
}

async fn failures_are_retried_with_backoff_until_sent(backend: Backend) {
    // Arrange
    let app = spawn(backend).await;
    let endpoint = Receiver::start(&[500, 503]).await;
    let created = app.subscribe("alice", &endpoint.url, json!({})).await;
    app.deliver_event(&task_created("alice")).await;
    // Act
    assert_eq!(
        app.notifier.worker.step().await.expect("a round"),
        [Attempted::Retrying]
    );
    let pending = &log(&app, "alice", &id_of(&created)).await[0];
    app.clock.advance(chrono::Duration::hours(1));
    assert_eq!(
        app.notifier.worker.step().await.expect("a round"),
        [Attempted::Retrying]
    );
    app.clock.advance(chrono::Duration::hours(1));
    assert_eq!(app.notifier.worker.step().await.expect("a round"), [Attempted::Sent]);
    // Assert
    assert_eq!(pending["status"], "pending");
    assert_eq!(pending["last_status_code"], 500);
    assert_eq!(pending["last_error"], "the endpoint answered HTTP 500");
    let next: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(pending["next_attempt_at"].clone()).expect("a time");
    assert!(
        next >= start() && next <= start() + chrono::Duration::seconds(5),
        "{next}"
    );
    let received = endpoint.received();
    assert_eq!(received.len(), 3);
    let ids: Vec<&str> = received.iter().map(|r| r.header("webhook-id")).collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "the id is stable across retries");
    let delivery = &log(&app, "alice", &id_of(&created)).await[0];
    assert_eq!(delivery["status"], "sent");
    assert_eq!(delivery["attempts"], 3);
    let outbox = app.outbox().await;
    let kinds: Vec<&str> = outbox.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(kinds, ["notification.sent"]);
    assert!(app.notifier.worker.step().await.expect("a round").is_empty());
}

async fn a_delivery_failing_past_the_retry_horizon_fails_for_good(backend: Backend) {
    // Arrange
    let horizon = Settings {
        retry_horizon: Duration::from_secs(3600),
        ..settings()
    };
    let app = spawn_with(backend, horizon).await;
    let endpoint = Receiver::start(&[500; 20]).await;
    let created = app.subscribe("alice", &endpoint.url, json!({})).await;
    app.deliver_event(&task_created("alice")).await;
    // Act
    let mut rounds = 0;
    loop {
        rounds += 1;
        let attempts = app.notifier.worker.step().await.expect("a round");
        if attempts == [Attempted::Failed] || rounds > 10 {
            break;
        }
        assert_eq!(attempts, [Attempted::Retrying]);
        app.clock.advance(chrono::Duration::minutes(30));
    }
    // Assert
    let delivery = &log(&app, "alice", &id_of(&created)).await[0];
    assert_eq!(delivery["status"], "failed");
    let attempts = delivery["attempts"].as_i64().expect("a count");
    assert_eq!(usize::try_from(attempts).ok(), Some(endpoint.received().len()));
    assert!(attempts >= 3, "{attempts}");
    let outbox = app.outbox().await;
    assert_eq!(outbox.len(), 1);
    let (event_type, failed) = &outbox[0];
    assert_eq!(event_type, "notification.failed");
    assert_eq!(failed["data"]["retry_count"], attempts - 1);
    assert_eq!(failed["data"]["notification_id"], delivery["id"]);
    assert!(failed["data"]["error"].as_str().is_some_and(|e| e.contains("HTTP 500")));
    assert!(app.notifier.worker.step().await.expect("a round").is_empty());
}

async fn a_duplicate_event_is_delivered_once(backend: Backend) {
    let app = spawn(backend).await;
    let endpoint = Receiver::start(&[]).await;
    let created = app.subscribe("alice", &endpoint.url, json!({})).await;
    let event = task_created("alice");
    assert_eq!(app.deliver_event(&event).await, Outcome::Done);
    assert_eq!(app.deliver_event(&event).await, Outcome::Duplicate);
    app.notifier.worker.step().await.expect("a round");
    assert_eq!(log(&app, "alice", &id_of(&created)).await.len(), 1);
    assert_eq!(endpoint.received().len(), 1);
}

async fn events_nobody_subscribed_to_are_skipped(backend: Backend) {
    let app = spawn(backend).await;
    app.subscribe("alice", "http://127.0.0.1:9/hook", json!({})).await;
    let mut not_subscribed = task_created("alice");
    not_subscribed.payload = EventPayload::TaskUpdated(TaskUpdated {
        task_id: 7,
        changed_fields: vec!["title".into()],
        old_values: serde_json::Map::new(),
        new_values: serde_json::Map::new(),
    });
    let mut anonymous = task_created("alice");
    anonymous.metadata.user_id = None;
    let mut own = task_created("alice");
    own.source = notifier::EVENT_SOURCE.into();
    for event in [task_created("bob"), not_subscribed, anonymous, own] {
        assert_eq!(app.deliver_event(&event).await, Outcome::Skipped, "{:?}", event.payload);
    }
    assert!(app.notifier.worker.step().await.expect("a round").is_empty());
}

async fn an_endpoint_answering_gone_disables_its_subscription(backend: Backend) {
    // Arrange
    let app = spawn(backend).await;
    let endpoint = Receiver::start(&[410]).await;
    let created = app.subscribe("alice", &endpoint.url, json!({})).await;
    app.deliver_event(&task_created("alice")).await;
    // Act
    assert_eq!(app.notifier.worker.step().await.expect("a round"), [Attempted::Failed]);
    // Assert
    let id = id_of(&created);
    let shown = app
        .call(Some("alice"), Method::GET, &format!("/api/webhooks/{id}"), None)
        .await;
    assert_eq!(shown.body["active"], false);
    assert!(
        shown.body["disabled_reason"]
            .as_str()
            .is_some_and(|r| r.contains("410"))
    );
    let outbox = app.outbox().await;
    assert_eq!(outbox[0].0, "notification.failed");
    assert_eq!(outbox[0].1["data"]["retry_count"], 0);
    assert_eq!(app.deliver_event(&task_created("alice")).await, Outcome::Skipped);
}

async fn a_target_that_turned_private_fails_without_a_connection(backend: Backend) {
    // Arrange: subscribed while allowed; delivered by a worker that refuses private targets.
    let app = spawn(backend).await;
    let endpoint = Receiver::start(&[]).await;
    let created = app.subscribe("alice", &endpoint.url, json!({})).await;
    let strict = open(app.db.url(), Settings::default(), app.clock.clone()).await;
    app.deliver_event(&task_created("alice")).await;
    // Act
    let attempts = strict.worker.step().await.expect("a round");
    // Assert
    assert_eq!(attempts, [Attempted::Retrying]);
    assert!(endpoint.received().is_empty());
    let delivery = &log(&app, "alice", &id_of(&created)).await[0];
    let error = delivery["last_error"].as_str().unwrap_or_default();
    assert!(
        error.contains("target refused") && error.contains("loopback"),
        "{error}"
    );
    assert_eq!(delivery["last_status_code"], Value::Null);
}

async fn a_hanging_endpoint_does_not_delay_another(backend: Backend) {
    // Arrange
    let quick_timeout = Settings {
        timeout: Duration::from_secs(4),
        ..settings()
    };
    let app = spawn_with(backend, quick_timeout).await;
    let hanging = Receiver::start_with(&[], Some(Duration::from_secs(60))).await;
    let healthy = Receiver::start(&[]).await;
    app.subscribe("alice", &hanging.url, json!({})).await;
    app.subscribe("alice", &healthy.url, json!({})).await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(app.notifier.worker.clone().run(async {
        let _ = stopped.await;
    }));
    // Act / Assert: each event reaches the healthy endpoint promptly, while the hanging one waits.
    for n in 1..=2 {
        let started = std::time::Instant::now();
        app.deliver_event(&task_created("alice")).await;
        let received = healthy.wait_for(n, Duration::from_secs(3)).await;
        assert_eq!(received.len(), n, "event {n} did not arrive in time");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "event {n} took {:?}",
            started.elapsed()
        );
    }
    assert!(!hanging.received().is_empty());
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(10), worker)
        .await
        .expect("the worker stops after its requests time out")
        .expect("the worker does not panic");
}

async fn a_connection_error_is_recorded_without_the_target_url(backend: Backend) {
    // Arrange: an endpoint that refuses connections, with a token in its query.
    let app = spawn(backend).await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let url = format!("http://127.0.0.1:{port}/hook?token=s3cret-token");
    let created = app.subscribe("alice", &url, json!({})).await;
    app.deliver_event(&task_created("alice")).await;

    // Act
    let attempts = app.notifier.worker.step().await.expect("a round");

    // Assert
    assert_eq!(attempts, [Attempted::Retrying]);
    let delivery = &log(&app, "alice", &id_of(&created)).await[0];
    let error = delivery["last_error"].as_str().expect("the error is recorded");
    assert!(!error.is_empty());
    assert!(!error.contains("s3cret-token"), "{error}");
}
