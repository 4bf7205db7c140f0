//! A test app: a fresh SQLite read model, the function's Router, and requests with tokens.

use std::sync::Arc;
use std::time::Duration;

use analytics::{Analytics, AppState};
use axum::Router;
use axum::body::Body;
use http_body_util::BodyExt;
use secrecy::SecretString;
use serde_json::Value;
use todo_kit::Authenticator;
use todo_kit::auth::{AuthSettings, mint_hs256};
use todo_testing::TestDatabase;
use tower::ServiceExt;

use crate::common::history;

pub(crate) const SECRET: &str = "analytics-test-secret-of-32-bytes!!";

pub(crate) struct TestApp {
    pub(crate) router: Router,
    pub(crate) analytics: Analytics,
    _db: TestDatabase,
}

/// The function with push delivery, its model fed the known history.
pub(crate) async fn spawn_app() -> TestApp {
    let app = spawn_empty().await;
    for event in history() {
        app.analytics.handler.handle(&event).await.expect("handled");
    }
    app
}

/// The function with push delivery, on an empty model.
pub(crate) async fn spawn_empty() -> TestApp {
    let db = TestDatabase::sqlite();
    let analytics = analytics::connect(db.url()).await.expect("read model");
    let auth = AuthSettings {
        jwt_secret: Some(SecretString::from(SECRET)),
        ..AuthSettings::default()
    };
    let auth = Arc::new(Authenticator::new(&auth).expect("auth"));
    let state: AppState = analytics.state(auth);
    let router = analytics::app_with_push(
        state,
        analytics.handler.clone(),
        analytics::prefixed_topics(""),
        "pubsub",
    );
    TestApp {
        router,
        analytics,
        _db: db,
    }
}

pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) content_type: String,
    pub(crate) body: Value,
}

impl TestApp {
    /// `GET path` as `user` (no token when `None`).
    pub(crate) async fn get(&self, user: Option<&str>, path: &str) -> Answer {
        let mut request = axum::http::Request::get(path);
        if let Some(user) = user {
            let token = mint_hs256(SECRET.as_bytes(), user, Duration::from_secs(600)).expect("token");
            request = request.header("authorization", format!("Bearer {token}"));
        }
        self.send(request.body(Body::empty()).expect("request")).await
    }

    pub(crate) async fn send(&self, request: axum::http::Request<Body>) -> Answer {
        let response = self.router.clone().oneshot(request).await.expect("infallible");
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer {
            status,
            content_type,
            body,
        }
    }
}

/// The names of a problem's invalid parameters.
pub(crate) fn invalid_names(answer: &Answer) -> Vec<String> {
    assert_eq!(answer.content_type, "application/problem+json", "{:?}", answer.body);
    answer.body["invalid-params"]
        .as_array()
        .map(|params| {
            params
                .iter()
                .filter_map(|p| p["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
