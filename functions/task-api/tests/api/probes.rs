//! Probes, fallbacks and request ids: `/healthz`, `/readyz` (also with the database gone), unknown
//! routes and wrong methods as problem+json, and `x-request-id` on every response.

use reqwest::{Method, StatusCode, header};
use serde_json::Value;
use sqlx::{Connection, PgConnection};

use crate::helpers::{Backend, assert_problem, problem_kind, spawn_app};

on_both_backends!(the_probes_answer_200_without_a_token);

async fn the_probes_answer_200_without_a_token(backend: Backend) -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(backend).await;

    // Act
    let health = app.anonymous(Method::GET, "/healthz").send().await?;
    let ready = app.anonymous(Method::GET, "/readyz").send().await?;

    // Assert
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(health.json::<Value>().await?["status"], "ok");
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(ready.json::<Value>().await?["status"], "ready");
    Ok(())
}

#[tokio::test]
async fn readyz_is_503_and_the_api_answers_a_generic_problem_when_the_database_is_gone() -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(Backend::Postgres).await;
    let (_, name) = app.database_url.rsplit_once('/').expect("a database name");
    let mut admin = PgConnection::connect(&todo_testing::postgres_admin_url()).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE {name} WITH (FORCE)")))
        .execute(&mut admin)
        .await?;

    // Act
    let ready = app.anonymous(Method::GET, "/readyz").send().await?;
    let health = app.anonymous(Method::GET, "/healthz").send().await?;
    let list = app.request("alice", Method::GET, "/api/tasks").send().await?;

    // Assert
    let problem = assert_problem(ready, StatusCode::SERVICE_UNAVAILABLE).await?;
    assert_eq!(problem_kind(&problem), "unavailable");
    assert_eq!(health.status(), StatusCode::OK, "the process itself is fine");
    let status = list.status();
    assert!(status.is_server_error(), "{status}");
    let problem = assert_problem(list, status).await?;
    let body = problem.to_string();
    for secret in [name, "sqlx", "postgres", "SELECT"] {
        assert!(!body.contains(secret), "the problem does not reveal '{secret}': {body}");
    }
    Ok(())
}

#[tokio::test]
async fn an_unknown_route_is_a_404_problem() -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(Backend::Sqlite).await;

    for path in [
        "/",
        "/nope",
        "/api",
        "/api/task",
        "/api/tasks/1/unknown",
        "/api/alice/tasks/1/x/y",
    ] {
        // Act
        let anonymous = app.anonymous(Method::GET, path).send().await?;
        let signed_in = app.request("alice", Method::GET, path).send().await?;

        // Assert
        for response in [anonymous, signed_in] {
            let problem = assert_problem(response, StatusCode::NOT_FOUND).await?;
            assert_eq!(problem_kind(&problem), "not-found", "{path}");
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_wrong_method_is_a_405_problem_with_an_allow_header() -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(Backend::Sqlite).await;
    let attempts = [
        (Method::DELETE, "/api/tasks"),
        (Method::PUT, "/api/tasks"),
        (Method::POST, "/api/tasks/1"),
        (Method::GET, "/api/tasks/1/complete"),
        (Method::PUT, "/api/tasks/1/reopen"),
        (Method::PATCH, "/api/tasks/1/history"),
        (Method::DELETE, "/api/alice/tasks"),
        (Method::PUT, "/api/alice/tasks/1/complete"),
        (Method::POST, "/healthz"),
        (Method::POST, "/api/openapi.json"),
    ];

    for (method, path) in attempts {
        // Act
        let response = app.request("alice", method.clone(), path).send().await?;

        // Assert
        let allow = response.headers().get(header::ALLOW).cloned();
        let problem = assert_problem(response, StatusCode::METHOD_NOT_ALLOWED).await?;
        assert_eq!(problem_kind(&problem), "method-not-allowed", "{method} {path}");
        assert!(
            allow.is_some(),
            "{method} {path}: a 405 names the allowed methods (RFC 9110 §15.5.6)"
        );
    }
    Ok(())
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_echoes_the_callers() -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(Backend::Sqlite).await;
    let requests = [
        app.anonymous(Method::GET, "/healthz"),
        app.anonymous(Method::GET, "/api/tasks"),
        app.request("alice", Method::GET, "/api/tasks"),
        app.request("alice", Method::GET, "/api/tasks/42"),
        app.request("alice", Method::GET, "/nowhere"),
        app.request("alice", Method::DELETE, "/api/tasks"),
        app.request("alice", Method::POST, "/api/tasks").body("{}"),
    ];

    for request in requests {
        // Act
        let echoed = request
            .try_clone()
            .expect("a cloneable request")
            .header("x-request-id", "caller-chosen-id-1")
            .send()
            .await?;
        let generated = request.send().await?;

        // Assert
        let status = generated.status();
        assert_eq!(echoed.headers()["x-request-id"], "caller-chosen-id-1", "{status}");
        let id = generated.headers()["x-request-id"].to_str()?;
        assert!(
            uuid::Uuid::parse_str(id).is_ok(),
            "a generated id is a UUID: {id} ({status})"
        );
    }
    Ok(())
}
