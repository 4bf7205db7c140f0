//! Token edge cases beyond the signature (see `auth` and `jwks` for those): a token not valid
//! yet, the wrong issuer or audience, an oversized token, and a JWKS key rotation, where the new
//! key is fetched once, when a token first uses it, and a flood of unknown key ids fetches
//! nothing more within the cooldown.

use std::sync::atomic::Ordering;
use std::time::Duration;

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use reqwest::{Method, StatusCode};
use secrecy::SecretString;
use serde_json::{Value, json};
use todo_kit::Authenticator;
use todo_kit::auth::AuthSettings;

use crate::helpers::{Backend, SECRET, assert_problem, spawn_app, spawn_app_with_auth, spawn_app_with_authenticator};
use crate::keys::{KEYS, ec_key, spawn_jwks};

fn hs256(claims: &Value) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .expect("sign")
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[tokio::test]
async fn a_token_not_valid_yet_is_a_401_problem() -> anyhow::Result<()> {
    let app = spawn_app(Backend::Sqlite).await;
    let later = hs256(&json!({"sub": "alice", "exp": now() + 3600, "nbf": now() + 600}));
    let response = app
        .anonymous(Method::GET, "/api/tasks")
        .bearer_auth(later)
        .send()
        .await?;
    let problem = assert_problem(response, StatusCode::UNAUTHORIZED).await?;
    assert!(
        problem["detail"].as_str().unwrap_or_default().contains("Immature"),
        "{problem}"
    );
    let within_leeway = hs256(&json!({"sub": "alice", "exp": now() + 3600, "nbf": now() + 5}));
    let response = app
        .anonymous(Method::GET, "/api/tasks")
        .bearer_auth(within_leeway)
        .send()
        .await?;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "clocks may differ by the 30 s leeway"
    );
    Ok(())
}

#[tokio::test]
async fn the_issuer_and_audience_asked_for_are_required() -> anyhow::Result<()> {
    // Arrange
    let settings = AuthSettings {
        jwt_secret: Some(SecretString::from(SECRET)),
        issuer: Some("https://id.example.com".into()),
        audience: Some("todo-api".into()),
        ..AuthSettings::default()
    };
    let app = spawn_app_with_auth(Backend::Sqlite, &settings).await;
    let claims = |iss: Option<&str>, aud: Option<&str>| {
        let mut claims = json!({"sub": "alice", "exp": now() + 3600});
        if let Some(iss) = iss {
            claims["iss"] = json!(iss);
        }
        if let Some(aud) = aud {
            claims["aud"] = json!(aud);
        }
        hs256(&claims)
    };

    // Act and assert
    for (token, why) in [
        (claims(Some("https://evil.example"), Some("todo-api")), "another issuer"),
        (
            claims(Some("https://id.example.com"), Some("another-api")),
            "another audience",
        ),
        (claims(None, Some("todo-api")), "no issuer"),
        (claims(Some("https://id.example.com"), None), "no audience"),
    ] {
        let response = app
            .anonymous(Method::GET, "/api/tasks")
            .bearer_auth(token)
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{why}");
    }
    let right = claims(Some("https://id.example.com"), Some("todo-api"));
    let response = app
        .anonymous(Method::GET, "/api/tasks")
        .bearer_auth(right)
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    Ok(())
}

#[tokio::test]
async fn an_oversized_token_is_refused_before_it_is_parsed() -> anyhow::Result<()> {
    let app = spawn_app(Backend::Sqlite).await;
    let padding = "x".repeat(64 * 1024);
    let huge = hs256(&json!({"sub": "alice", "exp": now() + 3600, "padding": padding}));
    let response = app
        .anonymous(Method::GET, "/api/tasks")
        .bearer_auth(huge)
        .send()
        .await?;
    let problem = assert_problem(response, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE).await?;
    assert!(
        problem["detail"].as_str().unwrap_or_default().contains("bytes"),
        "{problem}"
    );
    Ok(())
}

#[tokio::test]
async fn a_rotated_key_is_fetched_once_when_first_used_and_unknown_ids_fetch_nothing_more() -> anyhow::Result<()> {
    // Arrange: the identity provider publishes ec-1; tokens of it work.
    let keys = &*KEYS;
    let jwks = spawn_jwks(&[&keys.ec]).await;
    let cooldown = Duration::from_millis(300);
    let authenticator = Authenticator::new(&AuthSettings {
        jwks_url: Some(jwks.url.clone()),
        ..AuthSettings::default()
    })?
    .with_jwks_refresh_cooldown(cooldown);
    let app = spawn_app_with_authenticator(Backend::Sqlite, authenticator).await;
    let read = |token: String| app.anonymous(Method::GET, "/api/tasks").bearer_auth(token).send();
    assert_eq!(
        read(keys.ec.token("alice", Some("ec-1"))).await?.status(),
        StatusCode::OK
    );
    assert_eq!(jwks.hits.load(Ordering::SeqCst), 1);

    // Act: it rotates to ec-2; after the cooldown a token of ec-2 arrives, then many more, then
    // tokens naming ids nobody published.
    let rotated = ec_key("ec-2");
    jwks.publish(&[&keys.ec, &rotated]);
    tokio::time::sleep(cooldown + Duration::from_millis(50)).await;
    let first = read(rotated.token("alice", Some("ec-2"))).await?.status();
    for _ in 0..5 {
        assert_eq!(read(rotated.token("bob", Some("ec-2"))).await?.status(), StatusCode::OK);
    }
    let mut unknown = Vec::new();
    for n in 0..10 {
        unknown.push(
            read(rotated.token("mallory", Some(&format!("forged-{n}"))))
                .await?
                .status(),
        );
    }

    // Assert: one fetch for the rotation, none for the flood.
    assert_eq!(first, StatusCode::OK);
    assert!(unknown.iter().all(|s| *s == StatusCode::UNAUTHORIZED), "{unknown:?}");
    assert_eq!(jwks.hits.load(Ordering::SeqCst), 2, "the start, then the rotation");
    Ok(())
}
