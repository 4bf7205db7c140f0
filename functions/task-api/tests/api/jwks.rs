//! Tokens verified with keys from a JWKS endpoint (RS256, ES256, EdDSA). The keys are generated
//! once per test binary (`keys.rs`), and a small axum server in the test publishes them.

use std::sync::atomic::Ordering;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use todo_kit::auth::AuthSettings;

use crate::helpers::{Backend, TestApp, assert_problem, spawn_app_with, spawn_app_with_auth, token_for};
use crate::keys::{JwksServer, KEYS, sign, spawn_jwks};

/// An app that accepts the HS256 secret and the published RSA, EC and EdDSA keys.
async fn app_with_jwks() -> (TestApp, JwksServer) {
    let keys = &*KEYS;
    let jwks = spawn_jwks(&[&keys.rsa, &keys.ec, &keys.ed]).await;
    let app = spawn_app_with(Backend::Sqlite, Some(jwks.url.clone())).await;
    (app, jwks)
}

async fn create_with(app: &TestApp, token: &str) -> anyhow::Result<reqwest::Response> {
    Ok(app
        .anonymous(Method::POST, "/api/tasks")
        .bearer_auth(token)
        .json(&json!({"title": "signed elsewhere"}))
        .send()
        .await?)
}

#[tokio::test]
async fn tokens_signed_with_rs256_es256_and_eddsa_keys_from_the_jwks_are_accepted() -> anyhow::Result<()> {
    // Arrange
    let (app, _jwks) = app_with_jwks().await;
    let keys = &*KEYS;

    for key in [&keys.rsa, &keys.ec, &keys.ed] {
        // Act
        let user = format!("user-of-{}", key.kid);
        let response = create_with(&app, &key.token(&user, Some(key.kid))).await?;

        // Assert
        assert_eq!(response.status(), StatusCode::CREATED, "{:?}", key.algorithm);
        let task: Value = response.json().await?;
        assert_eq!(
            task["owner_id"],
            user.as_str(),
            "{:?}: the user is the token's sub",
            key.algorithm
        );
    }
    Ok(())
}

#[tokio::test]
async fn hs256_tokens_keep_working_beside_the_jwks() -> anyhow::Result<()> {
    // Arrange
    let (app, _jwks) = app_with_jwks().await;

    // Act
    let response = create_with(&app, &token_for("alice")).await?;

    // Assert
    assert_eq!(response.status(), StatusCode::CREATED);
    Ok(())
}

#[tokio::test]
async fn a_token_with_an_unknown_kid_is_a_401_problem() -> anyhow::Result<()> {
    // Arrange
    let (app, _jwks) = app_with_jwks().await;
    let token = KEYS.ec.token("mallory", Some("no-such-key"));

    // Act
    let response = create_with(&app, &token).await?;

    // Assert
    let problem = assert_problem(response, StatusCode::UNAUTHORIZED).await?;
    assert!(
        problem["detail"].as_str().unwrap_or_default().contains("key id"),
        "{problem}"
    );
    assert_eq!(app.outbox_len().await, 0);
    Ok(())
}

#[tokio::test]
async fn a_token_signed_by_another_key_under_a_published_kid_is_a_401_problem() -> anyhow::Result<()> {
    // Arrange
    let (app, _jwks) = app_with_jwks().await;
    let token = KEYS.unpublished.token("mallory", Some("ec-1"));

    // Act
    let response = create_with(&app, &token).await?;

    // Assert
    assert_problem(response, StatusCode::UNAUTHORIZED).await?;
    assert_eq!(app.outbox_len().await, 0);
    Ok(())
}

#[tokio::test]
async fn a_token_whose_algorithm_does_not_fit_its_key_is_a_401_problem() -> anyhow::Result<()> {
    // Arrange
    let (app, _jwks) = app_with_jwks().await;
    let keys = &*KEYS;
    let attempts = [
        keys.ec.token("mallory", Some("rsa-1")),
        keys.ed.token("mallory", Some("ec-1")),
        keys.rsa.token("mallory", Some("ed-1")),
    ];

    for token in attempts {
        // Act
        let response = create_with(&app, &token).await?;

        // Assert
        assert_problem(response, StatusCode::UNAUTHORIZED).await?;
    }
    Ok(())
}

#[tokio::test]
async fn a_token_without_kid_is_refused_when_the_jwks_has_several_keys() -> anyhow::Result<()> {
    // Arrange
    let (app, _jwks) = app_with_jwks().await;

    // Act
    let response = create_with(&app, &KEYS.rsa.token("alice", None)).await?;

    // Assert
    assert_problem(response, StatusCode::UNAUTHORIZED).await?;
    Ok(())
}

#[tokio::test]
async fn an_expired_jwks_token_is_a_401_problem() -> anyhow::Result<()> {
    // Arrange
    let (app, _jwks) = app_with_jwks().await;
    let now = chrono::Utc::now().timestamp();
    let key = &KEYS.ed;
    let token = sign(
        &key.encoding,
        key.algorithm,
        Some(key.kid),
        &json!({"sub": "alice", "exp": now - 3600}),
    );

    // Act
    let response = create_with(&app, &token).await?;

    // Assert
    let problem = assert_problem(response, StatusCode::UNAUTHORIZED).await?;
    assert!(
        problem["detail"].as_str().unwrap_or_default().contains("xpired"),
        "{problem}"
    );
    Ok(())
}

#[tokio::test]
async fn the_jwks_is_fetched_once_and_unknown_kids_do_not_refetch_it() -> anyhow::Result<()> {
    // Arrange
    let (app, jwks) = app_with_jwks().await;
    let keys = &*KEYS;

    // Act
    for key in [&keys.rsa, &keys.ec, &keys.ed, &keys.rsa] {
        let response = create_with(&app, &key.token("alice", Some(key.kid))).await?;
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    for _ in 0..5 {
        let response = create_with(&app, &keys.ec.token("mallory", Some("forged"))).await?;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }

    // Assert
    assert_eq!(jwks.hits.load(Ordering::SeqCst), 1);
    Ok(())
}

#[tokio::test]
async fn an_unreachable_jwks_refuses_tokens_with_a_401_problem_not_a_500() -> anyhow::Result<()> {
    // Arrange
    let closed = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        listener.local_addr()?
    };
    let app = spawn_app_with(Backend::Sqlite, Some(format!("http://{closed}/jwks.json"))).await;

    // Act
    let response = create_with(&app, &KEYS.ec.token("alice", Some("ec-1"))).await?;
    let hs256 = create_with(&app, &token_for("alice")).await?;

    // Assert
    assert_problem(response, StatusCode::UNAUTHORIZED).await?;
    assert_eq!(hs256.status(), StatusCode::CREATED, "HS256 does not need the JWKS");
    Ok(())
}

#[tokio::test]
async fn with_only_a_jwks_configured_hs256_tokens_are_refused() -> anyhow::Result<()> {
    // Arrange
    let keys = &*KEYS;
    let jwks = spawn_jwks(&[&keys.rsa, &keys.ec, &keys.ed]).await;
    let settings = AuthSettings {
        jwks_url: Some(jwks.url.clone()),
        ..AuthSettings::default()
    };
    let app = spawn_app_with_auth(Backend::Sqlite, &settings).await;

    // Act
    let hs256 = create_with(&app, &token_for("alice")).await?;
    let rs256 = create_with(&app, &keys.rsa.token("alice", Some("rsa-1"))).await?;

    // Assert
    assert_problem(hs256, StatusCode::UNAUTHORIZED).await?;
    assert_eq!(rs256.status(), StatusCode::CREATED);
    Ok(())
}
