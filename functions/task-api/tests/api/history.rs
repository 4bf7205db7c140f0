//! What each change leaves behind: a history record with old and new values, and one outbox row
//! (a CloudEvent) carrying the request's correlation id and trace parent.

use anyhow::Context;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use todo_events::EventPayload;

use crate::helpers::{Backend, id_of, spawn_app};

on_both_backends!(
    history_shows_each_change_with_old_and_new_values,
    every_change_writes_one_outbox_row_of_the_right_type,
    request_ids_correlation_ids_and_traceparent_flow_into_the_event,
);

async fn history_shows_each_change_with_old_and_new_values(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let id = id_of(
        &app.create_task("alice", json!({"title": "Draft", "priority": "low"}))
            .await,
    );
    app.patch_with_if_match("alice", id, 1, json!({"title": "Final", "priority": "urgent"}))
        .await;
    app.request("alice", Method::POST, &format!("/api/tasks/{id}/complete"))
        .send()
        .await?;

    // Act
    let response = app
        .request("alice", Method::GET, &format!("/api/tasks/{id}/history"))
        .send()
        .await?;

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
    let history: Value = response.json().await?;
    assert_eq!(history["task_id"], id);
    let items = history["items"].as_array().context("items")?;
    let actions: Vec<&str> = items.iter().filter_map(|h| h["action"].as_str()).collect();
    assert_eq!(actions, ["created", "updated", "completed"]);
    let versions: Vec<i64> = items.iter().filter_map(|h| h["version"].as_i64()).collect();
    assert_eq!(versions, [1, 2, 3]);
    assert!(items.iter().all(|h| h["actor_id"] == "alice" && h["task_id"] == id));
    assert_eq!(items[0]["changes"]["title"], json!({"old": null, "new": "Draft"}));
    assert_eq!(items[1]["changes"]["title"], json!({"old": "Draft", "new": "Final"}));
    assert_eq!(items[1]["changes"]["priority"], json!({"old": "low", "new": "urgent"}));
    assert_eq!(
        items[1]["changes"].as_object().map(|c| c.len()),
        Some(2),
        "only the changed fields are recorded: {}",
        items[1]["changes"]
    );
    assert_eq!(
        items[2]["changes"]["status"],
        json!({"old": "pending", "new": "completed"})
    );
    assert_eq!(items[2]["changes"]["completed_at"]["old"], Value::Null);
    Ok(())
}

async fn every_change_writes_one_outbox_row_of_the_right_type(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let id = id_of(
        &app.create_task("alice", json!({"title": "Tracked", "tags": ["x"]}))
            .await,
    );
    let path = format!("/api/tasks/{id}");

    // Act
    app.patch_with_if_match("alice", id, 1, json!({"title": "Tracked well"}))
        .await;
    app.request("alice", Method::POST, &format!("{path}/complete"))
        .send()
        .await?;
    app.request("alice", Method::POST, &format!("{path}/reopen"))
        .send()
        .await?;
    app.request("alice", Method::DELETE, &format!("{path}?reason=done"))
        .send()
        .await?;

    // Assert
    let rows = app.outbox().await;
    let types: Vec<&str> = rows.iter().map(|r| r.event_type.as_str()).collect();
    assert_eq!(
        types,
        [
            "task.created",
            "task.updated",
            "task.completed",
            "task.updated",
            "task.deleted"
        ]
    );
    for row in &rows {
        assert_eq!(row.topic, "task-events");
        assert_eq!(row.partition_key.as_deref(), Some(id.to_string().as_str()));
        let event = row.event_json();
        assert_eq!(event["type"], row.event_type.as_str());
        assert_eq!(event["id"], row.event_id.to_string());
        assert_eq!(event["subject"], format!("task/{id}"));
        assert_eq!(event["source"], task_api::EVENT_SOURCE);
        assert_eq!(event["userid"], "alice");
        assert!(row.published_at.is_none());
    }
    let events = app.events().await?;
    match (&events[1].payload, &events[2].payload, &events[3].payload) {
        (EventPayload::TaskUpdated(edit), EventPayload::TaskCompleted(done), EventPayload::TaskUpdated(reopen)) => {
            assert_eq!(edit.changed_fields, ["title"]);
            assert_eq!(edit.old_values["title"], "Tracked");
            assert_eq!(edit.new_values["title"], "Tracked well");
            assert_eq!(done.task_id, id);
            assert!(done.time_to_complete >= 0);
            assert_eq!(reopen.new_values["status"], "pending");
        }
        other => panic!("unexpected payloads: {other:?}"),
    }
    Ok(())
}

async fn request_ids_correlation_ids_and_traceparent_flow_into_the_event(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    // Act
    app.request("alice", Method::POST, "/api/tasks")
        .header("x-correlation-id", "corr-42")
        .header("x-request-id", "req-1")
        .header("traceparent", traceparent)
        .json(&json!({"title": "correlated"}))
        .send()
        .await?;
    app.request("alice", Method::POST, "/api/tasks")
        .header("x-request-id", "req-7")
        .json(&json!({"title": "by request id"}))
        .send()
        .await?;
    let generated = app
        .request("alice", Method::POST, "/api/tasks")
        .json(&json!({"title": "generated id"}))
        .send()
        .await?;
    let generated_id = generated.headers()["x-request-id"].to_str()?.to_owned();

    // Assert
    let events = app.events().await?;
    assert_eq!(events[0].metadata.correlation_id.as_deref(), Some("corr-42"));
    assert_eq!(events[0].metadata.traceparent.as_deref(), Some(traceparent));
    assert_eq!(events[1].metadata.correlation_id.as_deref(), Some("req-7"));
    assert_eq!(events[1].metadata.traceparent, None);
    assert_eq!(
        events[2].metadata.correlation_id.as_deref(),
        Some(generated_id.as_str())
    );
    assert!(events.iter().all(|e| e.metadata.user_id.as_deref() == Some("alice")));
    Ok(())
}
