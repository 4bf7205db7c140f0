//! Task paths that name nothing (unknown, non-numeric, out-of-range or undecodable ids) answer a
//! problem+json, never a 500.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{Backend, assert_problem, problem_kind, spawn_app};

on_both_backends!(
    an_id_that_names_no_task_is_a_404_problem,
    a_path_that_is_not_utf8_is_a_problem_not_plain_text,
);

async fn an_id_that_names_no_task_is_a_404_problem(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;
    app.create_task("alice", json!({"title": "Only one"})).await;
    let ids = [
        "424242",
        "abc",
        "0",
        "-1",
        "1.5",
        "99999999999999999999",
        "9223372036854775807",
        "1e3",
    ];

    for id in ids {
        // Act
        let get = app
            .request("alice", Method::GET, &format!("/api/tasks/{id}"))
            .send()
            .await?;
        let patch = app
            .request("alice", Method::PATCH, &format!("/api/tasks/{id}"))
            .json(&json!({"title": "x"}))
            .send()
            .await?;
        let complete = app
            .request("alice", Method::POST, &format!("/api/tasks/{id}/complete"))
            .send()
            .await?;
        let delete = app
            .request("alice", Method::DELETE, &format!("/api/tasks/{id}"))
            .send()
            .await?;

        // Assert
        for response in [get, patch, complete, delete] {
            let problem = assert_problem(response, StatusCode::NOT_FOUND).await?;
            assert_eq!(problem_kind(&problem), "not-found", "id {id}");
        }
    }
    assert_eq!(app.outbox_len().await, 1);
    Ok(())
}

async fn a_path_that_is_not_utf8_is_a_problem_not_plain_text(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;

    // Act
    let task_path = app.request("alice", Method::GET, "/api/tasks/%FF").send().await?;
    let compat_path = app.request("alice", Method::GET, "/api/%FF/tasks").send().await?;

    // Assert
    for response in [task_path, compat_path] {
        let status = response.status();
        assert!(
            status == StatusCode::NOT_FOUND || status == StatusCode::BAD_REQUEST,
            "{status}"
        );
        assert_problem(response, status).await?;
    }
    Ok(())
}
