//! Creating, reading and updating (PATCH and PUT) tasks over HTTP.

use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

use crate::helpers::{Backend, etag_version, id_of, spawn_app};

on_both_backends!(
    creating_a_task_returns_201_with_location_etag_and_the_normalised_task,
    a_created_task_reads_back_from_its_location_with_its_etag,
    patch_changes_only_the_fields_sent_and_null_clears_a_field,
    a_patch_that_changes_nothing_keeps_the_version_and_publishes_nothing,
    put_replaces_every_field_and_clears_the_ones_left_out,
    put_keeps_the_completion_status,
);

fn full_task() -> Value {
    json!({
        "title": "  Buy milk ",
        "description": "2 litres",
        "priority": "HIGH",
        "tags": ["Home", "#errands", "home"],
        "due_at": "2030-05-01T17:30:00+02:00",
        "remind_before_minutes": 30,
        "recurrence": "freq=weekly;byday=mo"
    })
}

async fn creating_a_task_returns_201_with_location_etag_and_the_normalised_task(
    backend: Backend,
) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;

    // Act
    let response = app
        .request("alice", Method::POST, "/api/tasks")
        .json(&full_task())
        .send()
        .await?;

    // Assert
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(etag_version(&response), Some(1));
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    let location = response.headers()[header::LOCATION].to_str()?.to_owned();
    let task: Value = response.json().await?;
    assert_eq!(location, format!("/api/tasks/{}", id_of(&task)));
    assert_eq!(task["owner_id"], "alice");
    assert_eq!(task["title"], "Buy milk");
    assert_eq!(task["description"], "2 litres");
    assert_eq!(task["priority"], "high");
    assert_eq!(task["tags"], json!(["home", "errands"]));
    let due: chrono::DateTime<chrono::Utc> = serde_json::from_value(task["due_at"].clone())?;
    assert_eq!(due.to_rfc3339(), "2030-05-01T15:30:00+00:00");
    assert_eq!(task["remind_before_minutes"], 30);
    assert_eq!(task["recurrence"], "FREQ=WEEKLY;BYDAY=MO");
    assert_eq!(task["status"], "pending");
    assert_eq!(task["completed_at"], Value::Null);
    assert_eq!(task["version"], 1);
    assert_eq!(app.outbox_types().await, ["task.created"]);
    Ok(())
}

async fn a_created_task_reads_back_from_its_location_with_its_etag(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let created = app
        .request("alice", Method::POST, "/api/tasks")
        .json(&json!({"title": "Call mom", "priority": "low"}))
        .send()
        .await?;
    let location = created.headers()[header::LOCATION].to_str()?.to_owned();
    let created: Value = created.json().await?;

    // Act
    let response = app.request("alice", Method::GET, &location).send().await?;

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(etag_version(&response), Some(1));
    let read: Value = response.json().await?;
    assert_eq!(read, created);
    assert_eq!(read["description"], Value::Null);
    assert_eq!(read["tags"], json!([]));
    Ok(())
}

async fn patch_changes_only_the_fields_sent_and_null_clears_a_field(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let task = app.create_task("alice", full_task()).await;
    let id = id_of(&task);

    // Act
    let response = app
        .request("alice", Method::PATCH, &format!("/api/tasks/{id}"))
        .json(&json!({"title": "Buy oat milk", "description": null, "remind_before_minutes": null, "priority": null}))
        .send()
        .await?;

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(etag_version(&response), Some(2));
    let updated: Value = response.json().await?;
    assert_eq!(updated["title"], "Buy oat milk");
    assert_eq!(updated["description"], Value::Null, "null clears the description");
    assert_eq!(
        updated["remind_before_minutes"],
        Value::Null,
        "null clears the reminder"
    );
    assert_eq!(updated["priority"], "medium", "null resets the priority to medium");
    for untouched in ["tags", "due_at", "recurrence", "status", "created_at", "owner_id"] {
        assert_eq!(
            updated[untouched], task[untouched],
            "{untouched} was not sent and must not change"
        );
    }
    assert_eq!(updated["version"], 2);
    assert_eq!(app.task("alice", id).await, updated);
    Ok(())
}

async fn a_patch_that_changes_nothing_keeps_the_version_and_publishes_nothing(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let task = app.create_task("alice", json!({"title": "Same", "tags": ["a"]})).await;
    let id = id_of(&task);

    // Act
    let empty = app.patch_with_if_match("alice", id, 1, json!({})).await;
    let same = app
        .patch_with_if_match("alice", id, 1, json!({"title": " Same ", "tags": ["A"]}))
        .await;

    // Assert
    for response in [empty, same] {
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(etag_version(&response), Some(1));
        assert_eq!(response.json::<Value>().await?, task);
    }
    assert_eq!(app.outbox_types().await, ["task.created"]);
    Ok(())
}

async fn put_replaces_every_field_and_clears_the_ones_left_out(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let id = id_of(&app.create_task("alice", full_task()).await);

    // Act
    let response = app
        .request("alice", Method::PUT, &format!("/api/tasks/{id}"))
        .json(&json!({"title": "Replaced", "tags": ["new"]}))
        .send()
        .await?;

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(etag_version(&response), Some(2));
    let replaced: Value = response.json().await?;
    assert_eq!(replaced["title"], "Replaced");
    assert_eq!(replaced["tags"], json!(["new"]));
    assert_eq!(replaced["priority"], "medium");
    for cleared in ["description", "due_at", "remind_before_minutes", "recurrence"] {
        assert_eq!(replaced[cleared], Value::Null, "PUT without {cleared} clears it");
    }
    assert_eq!(app.task("alice", id).await, replaced);
    assert_eq!(app.outbox_types().await, ["task.created", "task.updated"]);
    Ok(())
}

async fn put_keeps_the_completion_status(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let id = id_of(&app.create_task("alice", json!({"title": "Done already"})).await);
    let completed = app
        .request("alice", Method::POST, &format!("/api/tasks/{id}/complete"))
        .send()
        .await?;
    assert_eq!(completed.status(), StatusCode::OK);

    // Act
    let response = app
        .request("alice", Method::PUT, &format!("/api/tasks/{id}"))
        .json(&json!({"title": "Done, renamed"}))
        .send()
        .await?;

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
    let task: Value = response.json().await?;
    assert_eq!(task["status"], "completed");
    assert!(task["completed_at"].is_string());
    assert_eq!(task["version"], 3);
    Ok(())
}
