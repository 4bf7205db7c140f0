//! The peer client against a real HTTP server on a random port: retries and their limits per
//! method, timeouts, the circuit breaker opening and closing again, and forwarded headers.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::any;
use serde_json::{Value, json};
use todo_kit::resilience::{Forwarded, PeerClient, PeerError, ResilienceSettings};

/// A server that answers `fail_first` 503s (or `status`), then 200 with the headers it saw.
#[derive(Clone)]
struct Script {
    calls: Arc<AtomicU32>,
    fail_first: u32,
    status: StatusCode,
    delay: Duration,
}

async fn answer(State(script): State<Script>, headers: HeaderMap) -> (StatusCode, axum::Json<Value>) {
    let n = script.calls.fetch_add(1, Ordering::SeqCst) + 1;
    tokio::time::sleep(script.delay).await;
    let seen = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = json!({
        "call": n,
        "authorization": seen("authorization"),
        "correlation": seen("x-correlation-id"),
        "traceparent": seen("traceparent"),
    });
    let status = if n <= script.fail_first {
        script.status
    } else {
        StatusCode::OK
    };
    (status, axum::Json(body))
}

async fn serve(fail_first: u32, status: StatusCode, delay: Duration) -> (String, Arc<AtomicU32>) {
    let calls = Arc::new(AtomicU32::new(0));
    let script = Script {
        calls: calls.clone(),
        fail_first,
        status,
        delay,
    };
    let router = Router::new().route("/{*path}", any(answer)).with_state(script);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, router).await });
    (address, calls)
}

fn fast() -> ResilienceSettings {
    ResilienceSettings {
        retry_delays: vec![
            Duration::from_millis(20),
            Duration::from_millis(40),
            Duration::from_millis(80),
        ],
        timeout: Duration::from_millis(300),
        failure_threshold: 5,
        open_for: Duration::from_millis(300),
    }
}

#[tokio::test]
async fn the_default_policy_is_the_designs() {
    let settings = ResilienceSettings::default();
    let ms: Vec<u128> = settings.retry_delays.iter().map(Duration::as_millis).collect();
    assert_eq!(ms, vec![100, 200, 400]);
    assert_eq!(
        (settings.timeout, settings.failure_threshold),
        (Duration::from_secs(5), 5)
    );
    assert_eq!(settings.open_for, Duration::from_secs(30));
}

#[tokio::test]
async fn a_read_is_retried_until_it_succeeds_and_carries_the_callers_context() {
    let (url, calls) = serve(2, StatusCode::SERVICE_UNAVAILABLE, Duration::ZERO).await;
    let peer = PeerClient::new("task-api", &url, fast()).expect("client");
    let forwarded = Forwarded {
        bearer: Some("tok".into()),
        correlation_id: Some("corr-9".into()),
        traceparent: Some("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".into()),
    };
    let started = Instant::now();
    let response = peer
        .call(http::Method::GET, "/api/tasks", None, &forwarded)
        .await
        .expect("answer");
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert!(
        started.elapsed() >= Duration::from_millis(60),
        "waited 20 + 40 ms between attempts"
    );
    assert_eq!(response.body["authorization"], "Bearer tok");
    assert_eq!(response.body["correlation"], "corr-9");
    assert_eq!(
        response.body["traceparent"],
        forwarded.traceparent.clone().expect("set")
    );
}

#[test]
fn a_forwarded_token_never_shows_in_debug_output() {
    let forwarded = Forwarded {
        bearer: Some("sk-live-0123456789".into()),
        correlation_id: Some("corr-9".into()),
        traceparent: None,
    };
    let printed = format!("{forwarded:?}");
    assert!(!printed.contains("sk-live"), "{printed}");
    assert!(printed.contains("REDACTED") && printed.contains("corr-9"), "{printed}");
}

#[tokio::test]
async fn a_create_is_not_repeated_after_an_ambiguous_failure() {
    let (url, calls) = serve(1, StatusCode::INTERNAL_SERVER_ERROR, Duration::ZERO).await;
    let peer = PeerClient::new("task-api", &url, fast()).expect("client");
    let response = peer
        .call(
            http::Method::POST,
            "/api/tasks",
            Some(&json!({ "title": "x" })),
            &Forwarded::default(),
        )
        .await
        .expect("the 500 is the answer");
    assert_eq!(response.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(calls.load(Ordering::SeqCst), 1, "a 500 may have written: no retry");

    let (url, calls) = serve(1, StatusCode::SERVICE_UNAVAILABLE, Duration::ZERO).await;
    let peer = PeerClient::new("task-api", &url, fast()).expect("client");
    let response = peer
        .call(
            http::Method::POST,
            "/api/tasks",
            Some(&json!({ "title": "x" })),
            &Forwarded::default(),
        )
        .await
        .expect("answer");
    assert_eq!(
        (response.status, calls.load(Ordering::SeqCst)),
        (StatusCode::OK, 2),
        "a 503 wrote nothing: retried"
    );

    let (url, calls) = serve(5, StatusCode::NOT_FOUND, Duration::ZERO).await;
    let peer = PeerClient::new("task-api", &url, fast()).expect("client");
    let response = peer
        .call(http::Method::GET, "/api/tasks/9", None, &Forwarded::default())
        .await
        .expect("answer");
    assert_eq!(
        (response.status, calls.load(Ordering::SeqCst)),
        (StatusCode::NOT_FOUND, 1),
        "a 4xx is final"
    );
}

#[tokio::test]
async fn a_slow_peer_times_out_and_after_the_retries_is_unavailable() {
    let (url, calls) = serve(0, StatusCode::OK, Duration::from_millis(1000)).await;
    let peer = PeerClient::new("task-api", &url, fast()).expect("client");
    let started = Instant::now();
    let error = peer
        .call(http::Method::GET, "/slow", None, &Forwarded::default())
        .await
        .expect_err("too slow");
    assert!(
        matches!(&error, PeerError::Unavailable { reason, .. } if reason == "timed out"),
        "{error:?}"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 4, "one attempt and three retries");
    assert!(
        started.elapsed() < Duration::from_millis(2000),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn the_circuit_opens_after_five_failures_and_closes_after_a_good_probe() {
    // Nothing listens here: every attempt is a refused connection.
    let closed_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    };
    let peer = PeerClient::new("task-api", &format!("http://127.0.0.1:{closed_port}"), fast()).expect("client");
    let first = peer.call(http::Method::GET, "/x", None, &Forwarded::default()).await;
    assert!(
        matches!(first, Err(PeerError::Unavailable { .. })),
        "4 attempts fail: {first:?}"
    );
    let second = peer.call(http::Method::GET, "/x", None, &Forwarded::default()).await;
    assert!(
        matches!(second, Err(PeerError::CircuitOpen { .. })),
        "the fifth failure opened it: {second:?}"
    );
    assert!(peer.circuit_open());
    let started = Instant::now();
    let refused = peer.call(http::Method::GET, "/x", None, &Forwarded::default()).await;
    assert!(matches!(refused, Err(PeerError::CircuitOpen { .. })));
    assert!(
        started.elapsed() < Duration::from_millis(10),
        "an open circuit fails fast"
    );

    // After the open period one probe goes out; a success closes the circuit.
    let (url, _) = serve(0, StatusCode::OK, Duration::ZERO).await;
    let healthy = PeerClient::new("task-api", &url, fast()).expect("client");
    let breaker = todo_kit::resilience::CircuitBreaker::new(5, Duration::from_millis(100));
    for _ in 0..5 {
        breaker.record(false);
    }
    assert!(!breaker.allow(), "open");
    tokio::time::sleep(Duration::from_millis(120)).await;
    assert!(breaker.allow(), "one probe after the open period");
    assert!(!breaker.allow(), "only one probe at a time");
    breaker.record(true);
    assert!(breaker.allow() && breaker.allow(), "closed again");
    breaker.record(false);
    assert!(breaker.allow(), "one failure does not open it");
    let ok = healthy
        .call(http::Method::GET, "/x", None, &Forwarded::default())
        .await
        .expect("healthy");
    assert_eq!(ok.status, StatusCode::OK);
}
