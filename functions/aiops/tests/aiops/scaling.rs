//! `GET /api/aiops/scaling/{function}`: what KEDA's metrics-api scaler reads. The service token
//! is enough; the advice follows the request rate; an unknown function is a 404 problem.

use aiops::source::Series;
use axum::http::{Method, StatusCode};
use chrono::TimeDelta;

use crate::helpers::{WEBHOOK_TOKEN, spawn, start, steady};

#[tokio::test]
async fn the_advice_starts_at_one_replica_and_follows_the_request_rate() {
    // Arrange
    let (app, source) = spawn();
    let (status, idle) = app
        .request(Method::GET, "/api/aiops/scaling/task-api", Some(WEBHOOK_TOKEN), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{idle}");
    assert_eq!(idle["desired_replicas"], 1, "no rate seen yet: {idle}");

    // Act: task-api at about 700 rps for three hours (200 rps per replica, planned at 70 %).
    source.add(Series::RequestRate, "task-api", steady(700.0, 200, start()));
    app.watch_at(start() + TimeDelta::seconds(1)).await;
    let (status, advice) = app.get("/api/aiops/scaling/task-api").await;

    // Assert: KEDA reads desired_replicas; never fewer than reactive scaling would run.
    assert_eq!(status, StatusCode::OK, "{advice}");
    assert_eq!(advice["function"], "task-api");
    assert_eq!(advice["horizon_seconds"], 900);
    let current = advice["current_rps"].as_f64().expect("current");
    assert!((660.0..=740.0).contains(&current), "{advice}");
    let desired = advice["desired_replicas"].as_u64().expect("desired");
    let reactive = advice["reactive_replicas"].as_u64().expect("reactive");
    assert!((5..=6).contains(&reactive), "{advice}");
    assert!(desired >= reactive, "{advice}");
}

#[tokio::test]
async fn an_unknown_function_or_a_missing_token_gets_no_advice() {
    let (app, _) = spawn();

    let (unknown, problem) = app.get("/api/aiops/scaling/backup").await;
    let (anonymous, _) = app
        .request(Method::GET, "/api/aiops/scaling/task-api", None, None)
        .await;

    assert_eq!(unknown, StatusCode::NOT_FOUND);
    assert_eq!(
        problem["type"],
        "https://evolution-of-todo.dev/problems/unknown-function"
    );
    assert_eq!(anonymous, StatusCode::UNAUTHORIZED);
}
