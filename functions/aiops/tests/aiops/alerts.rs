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
