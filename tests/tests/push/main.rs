//! The HTTP push trigger: binary and structured CloudEvents as Knative delivers them, and Dapr's
//! subscription and delivery shapes. The status codes are the contract with the sender.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::Utc;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use todo_events::{DomainEvent, EventMetadata, EventPayload, TaskDeleted};
use todo_kit::handler::{EventHandler, HandlerError, Outcome, push};
use tower::ServiceExt;

/// Records deleted task ids; task 13 is poison, task 42 fails for now.
#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<i64>>,
}

#[async_trait]
impl EventHandler for Recorder {
    fn name(&self) -> &str {
        "push-test"
    }

    async fn handle(&self, event: &DomainEvent) -> Result<Outcome, HandlerError> {
        let EventPayload::TaskDeleted(deleted) = &event.payload else {
            return Ok(Outcome::Skipped);
        };
        match deleted.task_id {
            13 => Err(HandlerError::Poison("unlucky".into())),
            42 => Err(HandlerError::Retryable("database down".into())),
            id => {
                self.seen.lock().expect("lock").push(id);
                Ok(Outcome::Done)
            }
        }
    }
}

fn deleted(id: i64) -> DomainEvent {
    let payload = EventPayload::TaskDeleted(TaskDeleted {
        task_id: id,
        deletion_reason: Some("done".into()),
    });
    DomainEvent::new("/functions/task-api", Utc::now(), EventMetadata::default(), payload)
}

fn binary(event: &DomainEvent) -> Request<Body> {
    let record = todo_kit::bus::binding::encode(&event.to_cloudevent());
    let mut request = Request::post("/");
    for (name, value) in &record.headers {
        let name = name.replacen("ce_", "ce-", 1);
        request = request.header(name, value.as_slice());
    }
    request.body(Body::from(record.value)).expect("request")
}

fn structured(path: &str, event: &Value) -> Request<Body> {
    Request::post(path)
        .header("content-type", "application/cloudevents+json")
        .body(Body::from(event.to_string()))
        .expect("request")
}

async fn send(recorder: &Arc<Recorder>, request: Request<Body>) -> (StatusCode, Value) {
    let router = push::router(recorder.clone(), vec!["task-events".into()], "pubsub");
    let response = router.oneshot(request).await.expect("response");
    let status = response.status();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_binary_mode_event_is_handled_and_acknowledged() {
    let recorder = Arc::new(Recorder::default());
    let (status, _) = send(&recorder, binary(&deleted(7))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(*recorder.seen.lock().expect("lock"), [7]);
}

#[tokio::test]
async fn a_structured_mode_event_is_handled_and_acknowledged() {
    let recorder = Arc::new(Recorder::default());
    let (status, _) = send(&recorder, structured("/", &deleted(8).to_structured_json())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(*recorder.seen.lock().expect("lock"), [8]);
}

#[tokio::test]
async fn poison_invalid_and_failing_events_get_the_status_that_tells_the_sender_what_to_do() {
    let recorder = Arc::new(Recorder::default());
    let (status, problem) = send(&recorder, binary(&deleted(13))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "poison is not retried");
    assert!(problem["detail"].as_str().expect("detail").contains("unlucky"));
    let mut invalid = deleted(9).to_structured_json();
    invalid["data"]["task_id"] = json!("nine");
    assert_eq!(
        send(&recorder, structured("/", &invalid)).await.0,
        StatusCode::BAD_REQUEST,
        "an event that breaks its schema is poison"
    );
    let garbage = Request::post("/")
        .header("content-type", "application/json")
        .body(Body::from("{}"))
        .expect("request");
    assert_eq!(
        send(&recorder, garbage).await.0,
        StatusCode::BAD_REQUEST,
        "a body without ce- headers is not a CloudEvent"
    );
    assert_eq!(
        send(&recorder, binary(&deleted(42))).await.0,
        StatusCode::SERVICE_UNAVAILABLE,
        "retryable means 5xx"
    );
    assert!(recorder.seen.lock().expect("lock").is_empty());
}

#[tokio::test]
async fn dapr_sees_its_subscriptions_and_delivery_statuses() {
    let recorder = Arc::new(Recorder::default());
    let (status, subscriptions) = send(
        &recorder,
        Request::get("/dapr/subscribe").body(Body::empty()).expect("request"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        subscriptions,
        json!([{ "pubsubname": "pubsub", "topic": "task-events", "route": "/dapr/events" }])
    );
    for (id, expected) in [(5, "SUCCESS"), (13, "DROP"), (42, "RETRY")] {
        let (status, body) = send(&recorder, structured("/dapr/events", &deleted(id).to_structured_json())).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, json!({ "status": expected }), "task {id}");
    }
    assert_eq!(*recorder.seen.lock().expect("lock"), [5]);
}
