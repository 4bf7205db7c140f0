//! The hackathon brief's routes, `/api/{user_id}/tasks...`: the same behaviour as `/api/tasks`
//! when `{user_id}` is the caller, 404 otherwise, and `PATCH .../complete` toggles completion.

use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

use crate::helpers::{Backend, assert_problem, etag_version, id_of, ids, spawn_app};

on_both_backends!(
    the_compat_routes_serve_the_callers_own_tasks,
    another_user_id_in_the_path_is_a_404_even_for_the_callers_own_task,
    patch_complete_toggles_completion,
    put_on_the_compat_route_is_a_full_update,
    user_ids_with_reserved_characters_work_percent_encoded,
);

async fn the_compat_routes_serve_the_callers_own_tasks(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let base = "/api/alice/tasks";

    // Act
    let created = app
        .request("alice", Method::POST, base)
        .json(&json!({"title": "Via compat", "priority": "high"}))
        .send()
        .await?;
    assert_eq!(created.status(), StatusCode::CREATED);
    assert!(created.headers().contains_key(header::LOCATION));
    assert_eq!(etag_version(&created), Some(1));
    let task: Value = created.json().await?;
    let id = id_of(&task);
    let path = format!("{base}/{id}");
    let read: Value = app.request("alice", Method::GET, &path).send().await?.json().await?;
    let listed: Value = app
        .request("alice", Method::GET, &format!("{base}?priority=high"))
        .send()
        .await?
        .json()
        .await?;
    let patched = app
        .request("alice", Method::PATCH, &path)
        .header(header::IF_MATCH, "\"1\"")
        .json(&json!({"description": "patched"}))
        .send()
        .await?;
    let completed = app
        .request("alice", Method::POST, &format!("{path}/complete"))
        .send()
        .await?;
    let reopened = app
        .request("alice", Method::POST, &format!("{path}/reopen"))
        .send()
        .await?;
    let history: Value = app
        .request("alice", Method::GET, &format!("{path}/history"))
        .send()
        .await?
        .json()
        .await?;
    let deleted = app
        .request("alice", Method::DELETE, &format!("{path}?reason=compat"))
        .send()
        .await?;

    // Assert
    assert_eq!(task["owner_id"], "alice");
    assert_eq!(read, task);
    assert_eq!(ids(&listed), [id]);
    assert_eq!(patched.status(), StatusCode::OK);
    assert_eq!(etag_version(&patched), Some(2));
    assert_eq!(completed.status(), StatusCode::OK);
    assert_eq!(reopened.status(), StatusCode::OK);
    let actions: Vec<&str> = history["items"]
        .as_array()
        .map(|items| items.iter().filter_map(|h| h["action"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(actions, ["created", "updated", "completed", "reopened"]);
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_problem(app.get("alice", id).await, StatusCode::NOT_FOUND).await?;
    assert_eq!(
        app.outbox_types().await,
        [
            "task.created",
            "task.updated",
            "task.completed",
            "task.updated",
            "task.deleted"
        ]
    );
    Ok(())
}

async fn another_user_id_in_the_path_is_a_404_even_for_the_callers_own_task(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let task = app.create_task("alice", json!({"title": "Mine"})).await;
    let id = id_of(&task);
    let attempts = [
        app.request("alice", Method::GET, "/api/carol/tasks"),
        app.request("alice", Method::POST, "/api/carol/tasks")
            .json(&json!({"title": "x"})),
        app.request("alice", Method::GET, &format!("/api/carol/tasks/{id}")),
        app.request("alice", Method::PATCH, &format!("/api/carol/tasks/{id}"))
            .json(&json!({"title": "x"})),
        app.request("alice", Method::PUT, &format!("/api/carol/tasks/{id}"))
            .json(&json!({"title": "x"})),
        app.request("alice", Method::DELETE, &format!("/api/carol/tasks/{id}")),
        app.request("alice", Method::PATCH, &format!("/api/carol/tasks/{id}/complete")),
        app.request("alice", Method::POST, &format!("/api/carol/tasks/{id}/complete")),
        app.request("alice", Method::GET, &format!("/api/carol/tasks/{id}/history")),
        app.request("alice", Method::GET, &format!("/api/ALICE/tasks/{id}")),
        app.request("alice", Method::GET, &format!("/api/alice%20/tasks/{id}")),
    ];

    for attempt in attempts {
        // Act
        let response = attempt.send().await?;

        // Assert
        assert_problem(response, StatusCode::NOT_FOUND).await?;
    }
    assert_eq!(app.task("alice", id).await, task);
    assert_eq!(app.outbox_len().await, 1);
    Ok(())
}

async fn patch_complete_toggles_completion(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let id = id_of(&app.create_task("alice", json!({"title": "Toggle me"})).await);
    let toggle = format!("/api/alice/tasks/{id}/complete");

    // Act
    let first = app.request("alice", Method::PATCH, &toggle).send().await?;
    let first_etag = etag_version(&first);
    let first: Value = first.json().await?;
    let second = app.request("alice", Method::PATCH, &toggle).send().await?;
    let second_etag = etag_version(&second);
    let second: Value = second.json().await?;
    let third = app
        .request("alice", Method::PATCH, &toggle)
        .header(header::IF_MATCH, "\"3\"")
        .send()
        .await?;

    // Assert
    assert_eq!(first["status"], "completed");
    assert!(first["completed_at"].is_string());
    assert_eq!(first_etag, Some(2));
    assert_eq!(second["status"], "pending", "twice is back to pending");
    assert_eq!(second["completed_at"], Value::Null);
    assert_eq!(second_etag, Some(3));
    assert_eq!(third.status(), StatusCode::OK);
    assert_eq!(third.json::<Value>().await?["status"], "completed");
    assert_eq!(
        app.outbox_types().await,
        ["task.created", "task.completed", "task.updated", "task.completed"]
    );
    Ok(())
}

async fn put_on_the_compat_route_is_a_full_update(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let id = id_of(
        &app.create_task(
            "alice",
            json!({"title": "Before", "description": "old", "priority": "urgent", "tags": ["a", "b"], "due_at": "2030-01-01T00:00:00Z"}),
        )
        .await,
    );

    // Act
    let response = app
        .request("alice", Method::PUT, &format!("/api/alice/tasks/{id}"))
        .header(header::IF_MATCH, "\"1\"")
        .json(&json!({"title": "After", "tags": ["c"]}))
        .send()
        .await?;

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(etag_version(&response), Some(2));
    let task: Value = response.json().await?;
    assert_eq!(task["title"], "After");
    assert_eq!(task["tags"], json!(["c"]));
    assert_eq!(task["priority"], "medium");
    assert_eq!(task["description"], Value::Null);
    assert_eq!(task["due_at"], Value::Null);
    assert_eq!(app.task("alice", id).await, task);
    Ok(())
}

async fn user_ids_with_reserved_characters_work_percent_encoded(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let users = [
        ("ann@example.com", "ann%40example.com"),
        ("ann@example.com", "ann@example.com"),
        ("ann smith", "ann%20smith"),
        ("auth0|1234", "auth0%7C1234"),
    ];

    for (user, encoded) in users {
        // Act
        let created = app
            .request(user, Method::POST, &format!("/api/{encoded}/tasks"))
            .json(&json!({"title": format!("for {user}")}))
            .send()
            .await?;
        let listed = app
            .request(user, Method::GET, &format!("/api/{encoded}/tasks"))
            .send()
            .await?;

        // Assert
        assert_eq!(created.status(), StatusCode::CREATED, "{encoded}");
        let task: Value = created.json().await?;
        assert_eq!(task["owner_id"], user);
        assert_eq!(listed.status(), StatusCode::OK, "{encoded}");
        let listed: Value = listed.json().await?;
        assert!(ids(&listed).contains(&id_of(&task)), "{encoded}");
    }
    Ok(())
}
