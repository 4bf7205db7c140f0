//! Refusals: every bad request is problem+json naming what is wrong, and nothing is answered
//! without a valid token.

use crate::helpers::{invalid_names, spawn_empty};

#[tokio::test]
async fn a_reversed_range_is_a_400_naming_from() {
    let app = spawn_empty().await;

    let answer = app
        .get(Some("alice"), "/api/analytics/summary?from=2026-03-05&to=2026-03-01")
        .await;

    assert_eq!(answer.status, 400);
    assert_eq!(invalid_names(&answer), vec!["from"]);
    assert_eq!(
        answer.body["type"],
        "https://evolution-of-todo.dev/problems/invalid-query"
    );
}

#[tokio::test]
async fn a_range_over_366_days_is_a_400() {
    let app = spawn_empty().await;

    let too_long = app
        .get(Some("alice"), "/api/analytics/intents?from=2025-01-01&to=2026-01-02")
        .await;
    let leap_year = app
        .get(Some("alice"), "/api/analytics/intents?from=2024-01-01&to=2024-12-31")
        .await;

    assert_eq!(too_long.status, 400);
    assert_eq!(invalid_names(&too_long), vec!["to"]);
    assert_eq!(leap_year.status, 200, "366 days are allowed: {:?}", leap_year.body);
}

#[tokio::test]
async fn unreadable_times_and_unknown_parameters_are_named() {
    let app = spawn_empty().await;

    let garbage = app
        .get(Some("alice"), "/api/analytics/summary?from=yesterday&to=2026-13-01")
        .await;
    let unknown = app.get(Some("alice"), "/api/analytics/summary?since=2026-03-01").await;
    let twice = app
        .get(Some("alice"), "/api/analytics/summary?from=2026-03-01&from=2026-03-02")
        .await;
    let offset = app
        .get(Some("alice"), "/api/analytics/summary?from=2026-03-01T10:00:00%2B02:00")
        .await;

    assert_eq!(garbage.status, 400);
    let mut names = invalid_names(&garbage);
    names.sort();
    assert_eq!(names, vec!["from", "to"]);
    assert_eq!(
        (unknown.status, invalid_names(&unknown)),
        (400, vec!["since".to_owned()])
    );
    assert_eq!((twice.status, invalid_names(&twice)), (400, vec!["from".to_owned()]));
    assert_eq!(offset.status, 200);
    assert_eq!(offset.body["from"], "2026-03-01T08:00:00Z");
}

#[tokio::test]
async fn an_unknown_metric_or_bucket_lists_the_allowed_values() {
    let app = spawn_empty().await;

    let metric = app
        .get(Some("alice"), "/api/analytics/trends?metric=tasks_exploded")
        .await;
    let bucket = app
        .get(Some("alice"), "/api/analytics/trends?metric=sessions&bucket=month")
        .await;
    let missing = app.get(Some("alice"), "/api/analytics/trends").await;

    assert_eq!(
        (metric.status, invalid_names(&metric)),
        (400, vec!["metric".to_owned()])
    );
    let reason = metric.body["invalid-params"][0]["reason"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for allowed in analytics::Metric::ALL.map(analytics::Metric::as_str) {
        assert!(reason.contains(allowed), "'{reason}' lists {allowed}");
    }
    assert_eq!(
        (bucket.status, invalid_names(&bucket)),
        (400, vec!["bucket".to_owned()])
    );
    let reason = bucket.body["invalid-params"][0]["reason"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(reason.contains("day") && reason.contains("week"), "{reason}");
    assert_eq!(
        (missing.status, invalid_names(&missing)),
        (400, vec!["metric".to_owned()])
    );
}

#[tokio::test]
async fn requests_without_a_valid_token_are_401() {
    let app = spawn_empty().await;

    let anonymous = app.get(None, "/api/analytics/summary").await;
    let forged = app
        .send(
            axum::http::Request::get("/api/analytics/trends?metric=sessions")
                .header("authorization", "Bearer not.a.token")
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;

    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.content_type, "application/problem+json");
    assert_eq!(forged.status, 401);
}

#[tokio::test]
async fn the_openapi_document_lists_the_routes_and_probes_answer() {
    let app = spawn_empty().await;

    let document = app.get(None, "/api/openapi.json").await;
    let ready = app.get(None, "/readyz").await;

    assert_eq!(document.status, 200);
    for path in [
        "/api/analytics/summary",
        "/api/analytics/trends",
        "/api/analytics/intents",
    ] {
        assert!(document.body["paths"][path]["get"].is_object(), "{path} is documented");
    }
    assert_eq!(ready.status, 200);
}
