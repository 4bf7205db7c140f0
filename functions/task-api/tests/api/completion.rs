//! Completing and reopening: `POST /api/tasks/{id}/complete` and `/reopen`, each idempotent.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Backend, etag_version, id_of, spawn_app};

on_both_backends!(
    complete_and_reopen_round_trip_the_status,
    completing_twice_changes_nothing_the_second_time,
);

async fn complete_and_reopen_round_trip_the_status(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let id = id_of(&app.create_task("alice", json!({"title": "Water plants"})).await);

    // Act
    let completed = app
        .request("alice", Method::POST, &format!("/api/tasks/{id}/complete"))
        .send()
        .await?;
    let completed_etag = etag_version(&completed);
    let completed: Value = completed.json().await?;
    let reopened = app
        .request("alice", Method::POST, &format!("/api/tasks/{id}/reopen"))
        .send()
        .await?;
    let reopened_etag = etag_version(&reopened);
    let reopened: Value = reopened.json().await?;

    // Assert
    assert_eq!(completed["status"], "completed");
    assert!(
        completed["completed_at"].is_string(),
        "completed_at is set: {completed}"
    );
    assert_eq!(completed_etag, Some(2));
    assert_eq!(reopened["status"], "pending");
    assert_eq!(reopened["completed_at"], Value::Null);
    assert_eq!(reopened_etag, Some(3));
    assert_eq!(app.task("alice", id).await, reopened);
    Ok(())
}

async fn completing_twice_changes_nothing_the_second_time(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let id = id_of(&app.create_task("alice", json!({"title": "Once"})).await);
    let path = format!("/api/tasks/{id}/complete");
    let first: Value = app.request("alice", Method::POST, &path).send().await?.json().await?;

    // Act
    let second = app.request("alice", Method::POST, &path).send().await?;
    let reopen_pending_twice = {
        let reopen = format!("/api/tasks/{id}/reopen");
        app.request("alice", Method::POST, &reopen).send().await?;
        app.request("alice", Method::POST, &reopen).send().await?
    };

    // Assert
    assert_eq!(second.status(), StatusCode::OK);
    assert_eq!(second.json::<Value>().await?, first);
    assert_eq!(reopen_pending_twice.status(), StatusCode::OK);
    assert_eq!(reopen_pending_twice.json::<Value>().await?["version"], 3);
    assert_eq!(
        app.outbox_types().await,
        ["task.created", "task.completed", "task.updated"]
    );
    Ok(())
}
