//! `POST /api/aiops/alerts`: only Alertmanager's bearer is taken; a realistic notification
//! (PostgreSQL down, task-api failing) is one incident naming PostgreSQL, visible to users at
//! `/api/aiops/incidents`; its resolution resolves it.

use axum::http::{Method, StatusCode};
use serde_json::json;
use todo_events::EventPayload;

use crate::helpers::{alertmanager, spawn, user_token};

#[tokio::test]
async fn the_webhook_refuses_callers_without_the_webhook_token() {
    // Arrange
    let (app, _) = spawn();
    let payload = alertmanager("firing");

    // Act: no token, a wrong one, and a user's (valid for the read routes, not here).
    let mut answers = Vec::new();
    for token in [None, Some("not-the-token".to_owned()), Some(user_token())] {
        answers.push(
            app.request(Method::POST, "/api/aiops/alerts", token.as_deref(), Some(&payload))
                .await,
        );
    }

    // Assert: each a 401 problem, and nothing recorded.
    for (status, body) in &answers {
        assert_eq!(*status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(
            body["type"], "https://evolution-of-todo.dev/problems/unauthorized",
            "{body}"
        );
    }
    let (_, incidents) = app.get("/api/aiops/incidents").await;
    assert_eq!(incidents["items"], json!([]));
}

#[tokio::test]
async fn a_notification_becomes_one_incident_with_its_root_cause_and_its_resolution_resolves_it() {
    // Arrange
    let (app, _) = spawn();

    // Act
    let (status, answer) = app.alert(&alertmanager("firing")).await;

    // Assert: one incident, PostgreSQL named, task-api affected.
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["alerts"], 2);
    assert_eq!(answer["opened"].as_array().map(Vec::len), Some(1), "{answer}");
    assert_eq!(answer["open_incidents"], 1);
    let (status, incidents) = app.get("/api/aiops/incidents?status=open").await;
    assert_eq!(status, StatusCode::OK);
    let incident = &incidents["items"][0];
    assert_eq!(incident["root_cause"]["component"], "postgresql", "{incident}");
    assert_eq!(incident["components"], json!(["postgresql", "task-api"]));
    let id = incident["id"].as_str().expect("id").to_owned();
    let (status, shown) = app.get(&format!("/api/aiops/incidents/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown["id"], id.as_str());
    let published = app.published().await;
    assert!(
        matches!(&published[..], [e] if matches!(&e.payload, EventPayload::IncidentOpened(o) if o.incident_id == id && o.root_cause == "postgresql")),
        "{published:?}"
    );

    // Act: the same alerts resolve.
    let (status, answer) = app.alert(&alertmanager("resolved")).await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["resolved"], json!([id]), "{answer}");
    let (_, open) = app.get("/api/aiops/incidents?status=open").await;
    assert_eq!(open["items"], json!([]));
    let published = app.published().await;
    assert!(
        matches!(published.last().map(|e| &e.payload), Some(EventPayload::IncidentResolved(r)) if r.incident_id == id),
        "{published:?}"
    );
}

#[tokio::test]
async fn reads_need_a_token_and_bad_queries_and_unknown_ids_are_problems() {
    let (app, _) = spawn();

    let (anonymous, _) = app.request(Method::GET, "/api/aiops/incidents", None, None).await;
    let (bad_status, problem) = app.get("/api/aiops/incidents?status=burning").await;
    let (unknown, missing) = app.get("/api/aiops/incidents/inc-0-nothing").await;
    let (old_version, refused) = app
        .alert(&json!({"version": "3", "groupKey": "g", "status": "firing", "receiver": "aiops", "alerts": []}))
        .await;

    assert_eq!(anonymous, StatusCode::UNAUTHORIZED);
    assert_eq!(bad_status, StatusCode::BAD_REQUEST);
    assert_eq!(problem["invalid-params"][0]["name"], "status", "{problem}");
    assert_eq!(unknown, StatusCode::NOT_FOUND);
    assert_eq!(
        missing["type"],
        "https://evolution-of-todo.dev/problems/incident-not-found"
    );
    assert_eq!(old_version, StatusCode::BAD_REQUEST, "{refused}");
}

#[tokio::test]
async fn an_incident_merged_into_another_is_closed_on_ops_events_with_where_it_went() {
    // Arrange: task-api's and the outbox relay's alerts, sent apart, are two incidents (they only
    // share PostgreSQL); then PostgresDown relates both.
    let (app, _) = spawn();
    let fixture = alertmanager("firing");
    let alert = |name: &str| {
        fixture["alerts"]
            .as_array()
            .expect("alerts")
            .iter()
            .find(|a| a["labels"]["alertname"] == name)
            .cloned()
            .expect("in the fixture")
    };
    let (postgres, task_api) = (alert("PostgresDown"), alert("HighErrorRatio"));
    let mut relay = task_api.clone();
    relay["labels"] = json!({"alertname": "OutboxPublishStalled", "service": "outbox-relay", "severity": "P2"});
    relay["fingerprint"] = json!("0e1f2a3b4c5d6e7f");
    let notify = |alert: &serde_json::Value| {
        let mut payload = fixture.clone();
        payload["alerts"] = json!([alert]);
        payload
    };
    let (_, first) = app.alert(&notify(&task_api)).await;
    let (_, second) = app.alert(&notify(&relay)).await;
    let relay_incident = second["opened"][0].as_str().expect("a second incident").to_owned();
    assert_ne!(first["opened"][0], second["opened"][0]);

    // Act
    let (status, answer) = app.alert(&notify(&postgres)).await;

    // Assert: one incident goes on; the other is closed on ops-events, saying into which.
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["open_incidents"], 1, "{answer}");
    let published = app.published().await;
    let closed = published
        .iter()
        .find_map(|e| match &e.payload {
            EventPayload::IncidentResolved(r) if r.incident_id == relay_incident => Some(r.clone()),
            _ => None,
        })
        .expect("the merged incident is closed on ops-events");
    assert_eq!(
        closed.merged_into.as_ref(),
        first["opened"][0].as_str().map(str::to_owned).as_ref()
    );
    let (_, shown) = app.get(&format!("/api/aiops/incidents/{relay_incident}")).await;
    assert_eq!(shown["status"], "merged", "{shown}");
}
