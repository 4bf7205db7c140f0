//! The OpenAPI document at `/api/openapi.json`: OpenAPI 3.1, every task route, and every route it
//! documents really exists.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, spawn_app};

/// Every documented operation: path and methods.
const OPERATIONS: [(&str, &[&str]); 5] = [
    ("/api/tasks", &["get", "post"]),
    ("/api/tasks/{id}", &["get", "patch", "put", "delete"]),
    ("/api/tasks/{id}/complete", &["post"]),
    ("/api/tasks/{id}/reopen", &["post"]),
    ("/api/tasks/{id}/history", &["get"]),
];

async fn document(app: &TestApp) -> anyhow::Result<Value> {
    let response = app.anonymous(Method::GET, "/api/openapi.json").send().await?;
    assert_eq!(response.status(), StatusCode::OK, "the document needs no token");
    Ok(response.json().await?)
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_lists_every_task_route() -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(Backend::Sqlite).await;

    // Act
    let doc = document(&app).await?;

    // Assert
    let version = doc["openapi"].as_str().unwrap_or_default();
    assert!(version.starts_with("3.1"), "openapi is {version}");
    assert!(doc["info"]["title"].is_string());
    for (path, methods) in OPERATIONS {
        let item = &doc["paths"][path];
        assert!(item.is_object(), "{path} is documented");
        for method in methods {
            let operation = &item[method];
            assert!(operation.is_object(), "{method} {path} is documented");
            assert!(operation["responses"].is_object(), "{method} {path} has responses");
        }
    }
    Ok(())
}

#[tokio::test]
async fn the_document_declares_bearer_authentication_and_problem_responses() -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(Backend::Sqlite).await;

    // Act
    let doc = document(&app).await?;

    // Assert
    let scheme = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!(scheme["type"], "http");
    assert_eq!(scheme["scheme"], "bearer");
    assert_eq!(doc["security"], json!([{"bearer": []}]));
    let not_found = &doc["paths"]["/api/tasks/{id}"]["get"]["responses"]["404"];
    assert!(not_found.is_object(), "GET /api/tasks/{{id}} documents its 404");
    let unprocessable = &doc["paths"]["/api/tasks"]["post"]["responses"]["422"];
    assert!(unprocessable.is_object(), "POST /api/tasks documents its 422");
    Ok(())
}

#[tokio::test]
async fn every_documented_operation_is_routed() -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(Backend::Sqlite).await;
    let doc = document(&app).await?;
    let paths = doc["paths"].as_object().cloned().unwrap_or_default();
    assert!(!paths.is_empty());

    for (path, item) in paths {
        for method in item
            .as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            // Act
            let concrete = path.replace("{id}", "987654");
            let method = Method::from_bytes(method.to_uppercase().as_bytes())?;
            let mut request = app.request("alice", method.clone(), &concrete);
            if [Method::POST, Method::PATCH, Method::PUT].contains(&method) {
                request = request.json(&json!({"title": "documented"}));
            }
            let response = request.send().await?;

            // Assert
            let status = response.status();
            let body = response.text().await?;
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}: {body}");
            assert!(
                !body.contains("No such resource"),
                "{method} {path} reached the fallback: {body}"
            );
            assert!(!status.is_server_error(), "{method} {path}: {status} {body}");
        }
    }
    Ok(())
}
