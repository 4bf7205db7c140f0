//! The edge of every function, through `layers::standard_with` on small routers: a user's burst
//! ends in 429s that say when to come back while another user goes on, costly routes spend their
//! own budget, a request past its deadline is a 503 problem, oversized headers are a 431, every
//! answer carries the security headers, and CORS answers only the configured origins.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::routing::get;
use http_body_util::BodyExt;
use secrecy::SecretString;
use serde_json::Value;
use todo_kit::auth::{AuthSettings, mint_hs256};
use todo_kit::limits::{Budget, EdgeSettings, LimitSettings};
use todo_kit::{AuthUser, Authenticator};
use tower::ServiceExt;

const SECRET: &str = "edge-test-secret-of-at-least-32-bytes!!";

fn token(user: &str) -> String {
    mint_hs256(SECRET.as_bytes(), user, Duration::from_secs(600)).expect("token")
}

/// `/me` answers the caller, `/costly` too but marked expensive, `/slow` after 300 ms.
fn app(edge: &EdgeSettings) -> Router {
    let auth = Arc::new(
        Authenticator::new(&AuthSettings {
            jwt_secret: Some(SecretString::from(SECRET)),
            ..AuthSettings::default()
        })
        .expect("auth"),
    );
    let me = |user: AuthUser| async move { user.user_id };
    let costly = todo_kit::limits::expensive(Router::new().route("/costly", get(me)).with_state(auth.clone()));
    let routes = Router::new()
        .route("/me", get(me))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(300)).await;
                "done"
            }),
        )
        .with_state(auth)
        .merge(costly);
    todo_kit::layers::standard_with(routes, edge)
}

async fn send(app: &Router, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
    let response = app.clone().oneshot(request).await.expect("response");
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    let body = serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
    (status, headers, body)
}

fn get_as(path: &str, user: &str) -> Request<Body> {
    Request::get(path)
        .header(header::AUTHORIZATION, format!("Bearer {}", token(user)))
        .body(Body::empty())
        .expect("request")
}

fn limited(per_user: Budget, expensive: Budget) -> EdgeSettings {
    EdgeSettings {
        limits: LimitSettings {
            per_user: Some(per_user),
            expensive: Some(expensive),
            ..LimitSettings::default()
        },
        ..EdgeSettings::default()
    }
}

#[tokio::test]
async fn a_users_burst_ends_in_429s_with_retry_after_while_another_user_goes_on() {
    // Arrange: five at once, then one a minute.
    let app = app(&limited(Budget::per_minute(1, 5), Budget::per_minute(60, 60)));

    // Act
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(send(&app, get_as("/me", "alice")).await);
    }
    let bob = send(&app, get_as("/me", "bob")).await;

    // Assert
    let codes: Vec<u16> = statuses.iter().map(|(s, _, _)| s.as_u16()).collect();
    assert_eq!(codes, [200, 200, 200, 200, 200, 429, 429]);
    let (_, headers, body) = &statuses[5];
    let retry: u64 = headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((50..=60).contains(&retry), "a minute per request: {retry}");
    assert_eq!(headers["ratelimit-limit"], "5");
    assert_eq!(headers["ratelimit-remaining"], "0");
    assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
    assert_eq!(
        body["type"], "https://evolution-of-todo.dev/problems/rate-limited",
        "{body}"
    );
    assert_eq!(body["status"], 429);
    assert_eq!(bob.0, StatusCode::OK, "bob has a budget of his own");
}

#[tokio::test]
async fn a_costly_route_spends_its_own_smaller_budget_and_cheap_routes_go_on() {
    let app = app(&limited(Budget::per_second(100, 100), Budget::per_minute(1, 2)));
    for _ in 0..2 {
        assert_eq!(send(&app, get_as("/costly", "alice")).await.0, StatusCode::OK);
    }
    let (status, _, body) = send(&app, get_as("/costly", "alice")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(body["detail"].as_str().unwrap().contains("costly"), "{body}");
    assert_eq!(send(&app, get_as("/me", "alice")).await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_request_past_its_deadline_is_a_503_problem() {
    let app = app(&EdgeSettings {
        timeout: Duration::from_millis(50),
        ..EdgeSettings::default()
    });
    let (status, headers, body) = send(&app, Request::get("/slow").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["type"], "https://evolution-of-todo.dev/problems/timeout", "{body}");
    assert_eq!(headers[header::RETRY_AFTER], "1");
}

#[tokio::test]
async fn oversized_headers_are_a_431_before_any_token_is_read() {
    let app = app(&EdgeSettings::default());
    let huge = format!("Bearer {}", "a".repeat(todo_kit::limits::MAX_HEADER_BYTES));
    let (status, _, body) = send(
        &app,
        Request::get("/me")
            .header(header::AUTHORIZATION, huge)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
    assert_eq!(
        body["type"], "https://evolution-of-todo.dev/problems/headers-too-large",
        "{body}"
    );
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = app(&EdgeSettings::default());
    for request in [
        get_as("/me", "alice"),
        Request::get("/nowhere").body(Body::empty()).unwrap(),
    ] {
        let (_, headers, _) = send(&app, request).await;
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert_eq!(headers["referrer-policy"], "no-referrer");
        assert!(
            headers["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'")
        );
        assert!(headers.contains_key("strict-transport-security"));
    }
}

#[tokio::test]
async fn cors_answers_the_configured_origins_only() {
    let app = app(&EdgeSettings {
        cors_origins: vec!["https://todo.example.com".into()],
        ..EdgeSettings::default()
    });
    let preflight = |origin: &str| {
        Request::options("/me")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "authorization")
            .body(Body::empty())
            .unwrap()
    };
    let (_, allowed, _) = send(&app, preflight("https://todo.example.com")).await;
    assert_eq!(allowed[header::ACCESS_CONTROL_ALLOW_ORIGIN], "https://todo.example.com");
    let (_, refused, _) = send(&app, preflight("https://evil.example")).await;
    assert!(
        !refused.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN),
        "{refused:?}"
    );
    let (_, none, _) = send(&app, get_as("/me", "alice")).await;
    assert!(
        !none.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN),
        "no Origin, no CORS headers"
    );
    let same_origin_only = self::app(&EdgeSettings::default());
    let (_, off, _) = send(&same_origin_only, preflight("https://todo.example.com")).await;
    assert!(!off.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
}
