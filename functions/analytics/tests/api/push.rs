//! Events pushed over HTTP (Knative, Dapr) reach the read model once, however often they come.

use axum::body::Body;
use axum::http::Request;
use serde_json::json;

use crate::common::{ALICE, created, session};
use crate::helpers::spawn_empty;

fn structured(event: &todo_events::DomainEvent) -> Request<Body> {
    Request::post("/")
        .header("content-type", "application/cloudevents+json")
        .body(Body::from(event.to_structured_json().to_string()))
        .expect("request")
}

#[tokio::test]
async fn a_pushed_event_counts_once_however_often_it_is_pushed() {
    // Arrange
    let app = spawn_empty().await;
    let task = created(ALICE, 1, "02T09:00", "high", &["work"], None);
    let opened = session(ALICE, "02T09:30");

    // Act: Knative may deliver twice; Dapr delivers to its own route.
    let first = app.send(structured(&task)).await;
    let again = app.send(structured(&task)).await;
    let dapr = app
        .send(
            Request::post("/dapr/events")
                .header("content-type", "application/cloudevents+json")
                .body(Body::from(opened.to_structured_json().to_string()))
                .expect("request"),
        )
        .await;

    // Assert
    assert_eq!((first.status, again.status), (200, 200));
    assert_eq!(dapr.body, json!({"status": "SUCCESS"}));
    let summary = app
        .get(Some(ALICE), "/api/analytics/summary?from=2026-03-01&to=2026-03-07")
        .await;
    assert_eq!(
        (summary.body["created"].as_i64(), summary.body["open"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(summary.body["sessions"], json!(1));
}

#[tokio::test]
async fn a_pushed_event_that_breaks_its_schema_is_refused_as_poison() {
    let app = spawn_empty().await;
    let invalid = created(ALICE, 0, "02T09:00", "high", &[], None);

    let answer = app.send(structured(&invalid)).await;

    assert_eq!(answer.status, 400, "4xx tells Knative not to retry");
    assert_eq!(answer.content_type, "application/problem+json");
    let summary = app
        .get(Some(ALICE), "/api/analytics/summary?from=2026-03-01&to=2026-03-07")
        .await;
    assert_eq!(summary.body["created"], json!(0));
}

#[tokio::test]
async fn dapr_learns_the_topics_to_subscribe() {
    let app = spawn_empty().await;

    let answer = app.get(None, "/dapr/subscribe").await;

    let topics: Vec<_> = answer
        .body
        .as_array()
        .expect("a list")
        .iter()
        .map(|s| s["topic"].clone())
        .collect();
    assert_eq!(
        topics,
        vec![
            json!("task-events"),
            json!("session-events"),
            json!("intent-events"),
            json!("notification-events"),
            json!("audit-events")
        ]
    );
}
