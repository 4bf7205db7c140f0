//! Bodies that cannot be read: malformed JSON, unknown fields, wrong types, a missing content
//! type, oversize bodies. Each is a problem+json with the right status, never a 500, and writes
//! nothing.

use reqwest::{Method, StatusCode, header};
use serde_json::json;

use crate::helpers::{Backend, assert_problem, id_of, problem_kind, spawn_app};

on_both_backends!(
    malformed_json_is_a_400_problem,
    an_unknown_field_is_a_400_problem,
    a_wrong_type_is_a_400_problem,
    a_json_array_is_not_accepted_as_a_task,
    a_body_without_json_content_type_is_a_415_problem,
    a_body_over_64_kib_is_a_413_problem,
    a_delete_body_over_64_kib_is_a_413_problem,
);

async fn malformed_json_is_a_400_problem(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let id = id_of(&app.create_task("alice", json!({"title": "Existing"})).await);
    let bodies = [
        "{\"title\": ",
        "{\"title\": \"a\"} trailing",
        "",
        "{'title': 'a'}",
        "nul",
    ];

    for body in bodies {
        // Act
        let create = app
            .request("alice", Method::POST, "/api/tasks")
            .header(header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await?;
        let patch = app
            .request("alice", Method::PATCH, &format!("/api/tasks/{id}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await?;

        // Assert
        for response in [create, patch] {
            let problem = assert_problem(response, StatusCode::BAD_REQUEST).await?;
            assert_eq!(problem_kind(&problem), "malformed-json", "body {body:?}: {problem}");
        }
    }
    assert_eq!(app.outbox_len().await, 1, "only the first creation was written");
    assert_eq!(app.task("alice", id).await["version"], 1);
    Ok(())
}

async fn an_unknown_field_is_a_400_problem(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let id = id_of(&app.create_task("alice", json!({"title": "Existing"})).await);
    let path = format!("/api/tasks/{id}");
    let attempts = [
        app.request("alice", Method::POST, "/api/tasks")
            .json(&json!({"title": "a", "owner_id": "bob"})),
        app.request("alice", Method::PATCH, &path)
            .json(&json!({"titel": "typo"})),
        app.request("alice", Method::PUT, &path)
            .json(&json!({"title": "a", "status": "completed"})),
        app.request("alice", Method::DELETE, &path)
            .json(&json!({"why": "typo"})),
    ];

    for attempt in attempts {
        // Act
        let response = attempt.send().await?;

        // Assert
        let problem = assert_problem(response, StatusCode::BAD_REQUEST).await?;
        assert!(
            problem["detail"].as_str().unwrap_or_default().contains("unknown field"),
            "the detail names the problem: {problem}"
        );
    }
    assert_eq!(app.outbox_len().await, 1);
    assert_eq!(app.task("alice", id).await["version"], 1);
    Ok(())
}

async fn a_wrong_type_is_a_400_problem(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let id = id_of(&app.create_task("alice", json!({"title": "Existing"})).await);
    let bodies = [
        json!({"title": 5}),
        json!({"title": "a", "tags": "home"}),
        json!({"title": "a", "tags": [1, 2]}),
        json!({"title": "a", "remind_before_minutes": "30"}),
        json!({"title": "a", "remind_before_minutes": 1.5}),
        json!({"title": "a", "remind_before_minutes": 1e30}),
        json!({"title": "a", "priority": ["high"]}),
        json!("a title"),
        json!(null),
    ];

    for body in bodies {
        // Act
        let create = app
            .request("alice", Method::POST, "/api/tasks")
            .json(&body)
            .send()
            .await?;
        let patch = app
            .request("alice", Method::PATCH, &format!("/api/tasks/{id}"))
            .json(&body)
            .send()
            .await?;

        // Assert
        for response in [create, patch] {
            let problem = assert_problem(response, StatusCode::BAD_REQUEST).await?;
            assert_eq!(problem_kind(&problem), "invalid-body", "body {body}: {problem}");
        }
    }
    assert_eq!(app.outbox_len().await, 1);
    Ok(())
}

async fn a_json_array_is_not_accepted_as_a_task(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let id = id_of(&app.create_task("alice", json!({"title": "Existing"})).await);
    let array = json!(["Title from an array", "description from an array"]);

    // Act
    let create = app
        .request("alice", Method::POST, "/api/tasks")
        .json(&array)
        .send()
        .await?;
    let patch = app
        .request("alice", Method::PATCH, &format!("/api/tasks/{id}"))
        .json(&array)
        .send()
        .await?;
    let put = app
        .request("alice", Method::PUT, &format!("/api/tasks/{id}"))
        .json(&array)
        .send()
        .await?;

    // Assert
    for response in [create, patch, put] {
        assert_problem(response, StatusCode::BAD_REQUEST).await?;
    }
    assert_eq!(app.task("alice", id).await["title"], "Existing");
    assert_eq!(app.outbox_len().await, 1);
    Ok(())
}

async fn a_body_without_json_content_type_is_a_415_problem(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let id = id_of(&app.create_task("alice", json!({"title": "Existing"})).await);
    let body = r#"{"title": "no content type"}"#;
    let attempts = [
        app.request("alice", Method::POST, "/api/tasks").body(body),
        app.request("alice", Method::POST, "/api/tasks")
            .header(header::CONTENT_TYPE, "text/plain")
            .body(body),
        app.request("alice", Method::PATCH, &format!("/api/tasks/{id}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body("title=form"),
        app.request("alice", Method::PUT, &format!("/api/tasks/{id}"))
            .body(body),
    ];

    for attempt in attempts {
        // Act
        let response = attempt.send().await?;

        // Assert
        let problem = assert_problem(response, StatusCode::UNSUPPORTED_MEDIA_TYPE).await?;
        assert_eq!(problem_kind(&problem), "unsupported-media-type");
    }
    assert_eq!(app.outbox_len().await, 1);
    assert_eq!(app.task("alice", id).await["title"], "Existing");
    Ok(())
}

async fn a_body_over_64_kib_is_a_413_problem(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let id = id_of(&app.create_task("alice", json!({"title": "Existing"})).await);
    let huge = json!({"title": "big", "description": "x".repeat(70 * 1024)});
    let attempts = [
        app.request("alice", Method::POST, "/api/tasks").json(&huge),
        app.request("alice", Method::PATCH, &format!("/api/tasks/{id}"))
            .json(&huge),
        app.request("alice", Method::PUT, &format!("/api/tasks/{id}"))
            .json(&huge),
    ];

    for attempt in attempts {
        // Act
        let response = attempt.send().await?;

        // Assert
        let problem = assert_problem(response, StatusCode::PAYLOAD_TOO_LARGE).await?;
        assert_eq!(problem_kind(&problem), "payload-too-large");
    }
    assert_eq!(app.outbox_len().await, 1);
    assert_eq!(app.task("alice", id).await["version"], 1);
    Ok(())
}

async fn a_delete_body_over_64_kib_is_a_413_problem(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    let id = id_of(&app.create_task("alice", json!({"title": "Existing"})).await);
    let huge = json!({"reason": "x".repeat(70 * 1024)});

    // Act
    let response = app
        .request("alice", Method::DELETE, &format!("/api/tasks/{id}"))
        .json(&huge)
        .send()
        .await?;

    // Assert
    assert_problem(response, StatusCode::PAYLOAD_TOO_LARGE).await?;
    assert_eq!(app.task("alice", id).await["version"], 1, "the task is still there");
    assert_eq!(app.outbox_len().await, 1);
    Ok(())
}
