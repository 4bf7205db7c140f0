//! Bearer-token authentication with HS256: every route refuses a missing or bad token with a 401
//! problem, before it reads the body. One test calls the router in process with `oneshot`.

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

use crate::helpers::{Backend, SECRET, TestApp, assert_problem, problem_kind, spawn_app, token_for};

/// Every API route, with a body where it takes one.
fn every_route(app: &TestApp) -> Vec<(&'static str, reqwest::RequestBuilder)> {
    let body = json!({"title": "x"});
    vec![
        ("GET /api/tasks", app.anonymous(Method::GET, "/api/tasks")),
        ("POST /api/tasks", app.anonymous(Method::POST, "/api/tasks").json(&body)),
        ("GET /api/tasks/1", app.anonymous(Method::GET, "/api/tasks/1")),
        (
            "PATCH /api/tasks/1",
            app.anonymous(Method::PATCH, "/api/tasks/1").json(&body),
        ),
        (
            "PUT /api/tasks/1",
            app.anonymous(Method::PUT, "/api/tasks/1").json(&body),
        ),
        ("DELETE /api/tasks/1", app.anonymous(Method::DELETE, "/api/tasks/1")),
        ("POST complete", app.anonymous(Method::POST, "/api/tasks/1/complete")),
        ("POST reopen", app.anonymous(Method::POST, "/api/tasks/1/reopen")),
        ("GET history", app.anonymous(Method::GET, "/api/tasks/1/history")),
        ("GET compat list", app.anonymous(Method::GET, "/api/alice/tasks")),
        (
            "POST compat",
            app.anonymous(Method::POST, "/api/alice/tasks").json(&body),
        ),
        ("GET compat task", app.anonymous(Method::GET, "/api/alice/tasks/1")),
        (
            "PATCH compat toggle",
            app.anonymous(Method::PATCH, "/api/alice/tasks/1/complete"),
        ),
        (
            "PUT compat",
            app.anonymous(Method::PUT, "/api/alice/tasks/1").json(&body),
        ),
        ("DELETE compat", app.anonymous(Method::DELETE, "/api/alice/tasks/1")),
    ]
}

fn hs256(secret: &[u8], claims: &Value) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .expect("sign")
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[tokio::test]
async fn a_request_without_a_token_is_a_401_problem_on_every_route() -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(Backend::Sqlite).await;
    let id = crate::helpers::id_of(&app.create_task("alice", json!({"title": "Exists"})).await);
    assert_eq!(id, 1, "routes below name task 1");

    for (route, request) in every_route(&app) {
        // Act
        let response = request.send().await?;

        // Assert
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{route}");
        let problem = assert_problem(response, StatusCode::UNAUTHORIZED).await?;
        assert_eq!(problem_kind(&problem), "unauthorized", "{route}");
    }
    assert_eq!(app.outbox_len().await, 1, "nothing was written without a token");
    assert_eq!(app.task("alice", id).await["version"], 1);
    Ok(())
}

#[tokio::test]
async fn a_401_names_the_bearer_scheme_in_www_authenticate() -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(Backend::Sqlite).await;

    // Act
    let missing = app.anonymous(Method::GET, "/api/tasks").send().await?;
    let invalid = app
        .anonymous(Method::GET, "/api/tasks")
        .bearer_auth("garbage")
        .send()
        .await?;

    // Assert
    for response in [missing, invalid] {
        let challenge = response
            .headers()
            .get(header::WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(challenge.starts_with("Bearer"), "WWW-Authenticate: {challenge:?}");
        assert_problem(response, StatusCode::UNAUTHORIZED).await?;
    }
    Ok(())
}

#[tokio::test]
async fn the_token_is_checked_before_the_body_is_read() -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(Backend::Sqlite).await;

    // Act
    let malformed = app
        .anonymous(Method::POST, "/api/tasks")
        .header(header::CONTENT_TYPE, "application/json")
        .body("{not json")
        .send()
        .await?;
    let no_content_type = app.anonymous(Method::POST, "/api/tasks").body("x").send().await?;

    // Assert
    assert_problem(malformed, StatusCode::UNAUTHORIZED).await?;
    assert_problem(no_content_type, StatusCode::UNAUTHORIZED).await?;
    Ok(())
}

#[tokio::test]
async fn a_malformed_authorization_header_is_a_401_problem() -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(Backend::Sqlite).await;
    let valid = token_for("alice");
    let headers = [
        "Bearer garbage".to_owned(),
        "Bearer a.b.c".to_owned(),
        "Bearer ".to_owned(),
        "Bearer".to_owned(),
        "Basic YWxpY2U6c2VjcmV0".to_owned(),
        format!("Token {valid}"),
        valid.clone(),
        format!("Bearer {valid}x"),
        format!("Bearer {}", &valid[..valid.len() - 4]),
    ];

    for value in headers {
        // Act
        let response = app
            .anonymous(Method::GET, "/api/tasks")
            .header(header::AUTHORIZATION, &value)
            .send()
            .await?;

        // Assert
        let shown: String = value.chars().take(20).collect();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "Authorization: {shown}...");
        assert_problem(response, StatusCode::UNAUTHORIZED).await?;
    }
    Ok(())
}

#[tokio::test]
async fn an_expired_token_is_a_401_problem() -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(Backend::Sqlite).await;
    let token = hs256(
        SECRET.as_bytes(),
        &json!({"sub": "alice", "exp": now() - 120, "iat": now() - 3720}),
    );

    // Act
    let response = app
        .anonymous(Method::GET, "/api/tasks")
        .bearer_auth(token)
        .send()
        .await?;

    // Assert
    let problem = assert_problem(response, StatusCode::UNAUTHORIZED).await?;
    assert!(
        problem["detail"].as_str().unwrap_or_default().contains("xpired"),
        "{problem}"
    );
    Ok(())
}

#[tokio::test]
async fn a_token_signed_with_another_secret_is_a_401_problem() -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(Backend::Sqlite).await;
    let other = "another-secret-that-is-also-32-bytes-long!";
    let token = todo_kit::auth::mint_hs256(other.as_bytes(), "alice", std::time::Duration::from_secs(600))?;

    // Act
    let response = app
        .anonymous(Method::GET, "/api/tasks")
        .bearer_auth(token)
        .send()
        .await?;

    // Assert
    assert_problem(response, StatusCode::UNAUTHORIZED).await?;
    Ok(())
}

#[tokio::test]
async fn a_token_without_a_usable_sub_or_exp_is_a_401_problem() -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(Backend::Sqlite).await;
    let exp = now() + 600;
    let claims = [
        json!({"exp": exp}),
        json!({"sub": "", "exp": exp}),
        json!({"sub": "   ", "exp": exp}),
        json!({"sub": "a".repeat(256), "exp": exp}),
        json!({"sub": 42, "exp": exp}),
        json!({"sub": "alice"}),
        json!({"sub": "alice", "exp": "tomorrow"}),
    ];

    for claims in claims {
        // Act
        let token = hs256(SECRET.as_bytes(), &claims);
        let response = app
            .anonymous(Method::GET, "/api/tasks")
            .bearer_auth(token)
            .send()
            .await?;

        // Assert
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "claims {claims}");
        assert_problem(response, StatusCode::UNAUTHORIZED).await?;
    }
    Ok(())
}

#[tokio::test]
async fn unsigned_and_other_algorithm_tokens_are_401_problems() -> anyhow::Result<()> {
    // Arrange
    let app = spawn_app(Backend::Sqlite).await;
    let claims = json!({"sub": "alice", "exp": now() + 600});
    let encode_part = |v: &Value| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let unsigned = format!(
        "{}.{}.",
        encode_part(&json!({"alg": "none", "typ": "JWT"})),
        encode_part(&claims)
    );
    let hs384 = encode(
        &Header::new(Algorithm::HS384),
        &claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )?;

    for token in [unsigned, hs384] {
        // Act
        let response = app
            .anonymous(Method::GET, "/api/tasks")
            .bearer_auth(token)
            .send()
            .await?;

        // Assert
        assert_problem(response, StatusCode::UNAUTHORIZED).await?;
    }
    Ok(())
}
