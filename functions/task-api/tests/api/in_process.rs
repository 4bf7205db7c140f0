//! The router called in process with `tower::ServiceExt::oneshot`, without a socket: the same
//! middleware, authentication and store as over HTTP.

use axum::body::Body;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::helpers::{Backend, spawn_app, token_for};

#[tokio::test]
async fn the_router_answers_in_process_with_oneshot() -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(Backend::Sqlite).await;
    let anonymous = http::Request::builder().uri("/api/tasks").body(Body::empty())?;
    let create = http::Request::builder()
        .method(http::Method::POST)
        .uri("/api/tasks")
        .header(http::header::AUTHORIZATION, format!("Bearer {}", token_for("alice")))
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({"title": "in process"}).to_string()))?;

    // Act
    let refused = app.router.clone().oneshot(anonymous).await?;
    let created = app.router.clone().oneshot(create).await?;

    // Assert
    assert_eq!(refused.status(), http::StatusCode::UNAUTHORIZED);
    assert_eq!(
        refused.headers()[http::header::CONTENT_TYPE],
        "application/problem+json"
    );
    assert!(refused.headers().contains_key("x-request-id"));
    let problem: Value = serde_json::from_slice(&refused.into_body().collect().await?.to_bytes())?;
    assert_eq!(problem["status"], 401);
    assert_eq!(created.status(), http::StatusCode::CREATED);
    let task: Value = serde_json::from_slice(&created.into_body().collect().await?.to_bytes())?;
    assert_eq!(task["owner_id"], "alice");
    assert_eq!(
        app.task("alice", crate::helpers::id_of(&task)).await,
        task,
        "the same store as over HTTP"
    );
    Ok(())
}
