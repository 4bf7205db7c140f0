//! `DELETE /api/tasks/{id}`: 204, the reason (from `?reason=` or a JSON body) in `task.deleted`,
//! and the task gone from every route afterwards.

use anyhow::Context;
use reqwest::{Method, StatusCode};
use serde_json::json;
use todo_events::EventPayload;

use crate::helpers::{Backend, assert_problem, id_of, spawn_app};

on_both_backends!(
    delete_with_a_query_reason_returns_204_and_publishes_the_reason,
    delete_with_a_json_body_reason_returns_204_and_publishes_the_reason,
    a_deleted_task_is_gone_from_every_route,
);

async fn delete_with_a_query_reason_returns_204_and_publishes_the_reason(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let id = id_of(&app.create_task("alice", json!({"title": "Old plan"})).await);

    // Act
    let response = app
        .request(
            "alice",
            Method::DELETE,
            &format!("/api/tasks/{id}?reason=no%20longer%20needed"),
        )
        .send()
        .await?;

    // Assert
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(response.bytes().await?.is_empty());
    assert_problem(app.get("alice", id).await, StatusCode::NOT_FOUND).await?;
    let events = app.events().await?;
    match &events.last().context("an event")?.payload {
        EventPayload::TaskDeleted(e) => {
            assert_eq!(e.task_id, id);
            assert_eq!(e.deletion_reason.as_deref(), Some("no longer needed"));
        }
        other => panic!("expected task.deleted, got {other:?}"),
    }
    Ok(())
}

async fn delete_with_a_json_body_reason_returns_204_and_publishes_the_reason(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let id = id_of(&app.create_task("alice", json!({"title": "Twice"})).await);

    // Act
    let response = app
        .request("alice", Method::DELETE, &format!("/api/tasks/{id}"))
        .json(&json!({"reason": "  duplicate  "}))
        .send()
        .await?;

    // Assert
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_problem(app.get("alice", id).await, StatusCode::NOT_FOUND).await?;
    let events = app.events().await?;
    match &events.last().context("an event")?.payload {
        EventPayload::TaskDeleted(e) => assert_eq!(e.deletion_reason.as_deref(), Some("duplicate")),
        other => panic!("expected task.deleted, got {other:?}"),
    }
    Ok(())
}

async fn a_deleted_task_is_gone_from_every_route(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let keep = id_of(&app.create_task("alice", json!({"title": "Keep"})).await);
    let id = id_of(&app.create_task("alice", json!({"title": "Drop"})).await);
    let deleted = app
        .request("alice", Method::DELETE, &format!("/api/tasks/{id}"))
        .send()
        .await?;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let outbox_after_delete = app.outbox_len().await;

    // Act + Assert
    assert_eq!(app.list_ids("alice", "").await, [keep]);
    assert_eq!(app.list_ids("alice", "q=drop").await, Vec::<i64>::new());
    let path = format!("/api/tasks/{id}");
    let attempts = [
        app.request("alice", Method::GET, &path),
        app.request("alice", Method::PATCH, &path)
            .json(&json!({"title": "Back"})),
        app.request("alice", Method::PUT, &path).json(&json!({"title": "Back"})),
        app.request("alice", Method::DELETE, &path),
        app.request("alice", Method::POST, &format!("{path}/complete")),
        app.request("alice", Method::POST, &format!("{path}/reopen")),
        app.request("alice", Method::GET, &format!("{path}/history")),
    ];
    for attempt in attempts {
        assert_problem(attempt.send().await?, StatusCode::NOT_FOUND).await?;
    }
    assert_eq!(
        app.outbox_len().await,
        outbox_after_delete,
        "nothing was written after the delete"
    );
    Ok(())
}
