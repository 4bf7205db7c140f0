//! Maintenance windows: a silenced component's alerts and anomalies open no incident and its
//! anomalies are not published; once the window is deleted, they count again.

use aiops::source::{Point, Series};
use axum::http::{Method, StatusCode};
use chrono::TimeDelta;
use serde_json::json;
use todo_events::EventPayload;

use crate::helpers::{STEP, alertmanager, spawn, start, steady, user_token};

#[tokio::test]
async fn alerts_of_a_component_under_maintenance_open_no_incident_until_the_window_ends() {
    // Arrange: PostgreSQL and task-api under maintenance for an hour.
    let (app, _) = spawn();
    let until = (start() + TimeDelta::hours(1)).to_rfc3339();
    for component in ["postgresql", "task-api"] {
        let (status, window) = app
            .request(
                Method::PUT,
                &format!("/api/aiops/maintenance/{component}"),
                Some(&user_token()),
                Some(&json!({"until": until, "reason": "PostgreSQL 17 upgrade"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{window}");
        assert_eq!(window["components"], json!([component]));
    }

    // Act
    let (_, silenced) = app.alert(&alertmanager("firing")).await;

    // Assert: both alerts silenced, nothing opened or published.
    let kinds: Vec<&str> = silenced["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["change"].as_str())
        .collect();
    assert_eq!(kinds, ["silenced", "silenced"], "{silenced}");
    assert_eq!(silenced["open_incidents"], 0);
    assert!(app.published().await.is_empty());

    // Act: the work is over early.
    for component in ["postgresql", "task-api"] {
        let (status, _) = app
            .request(
                Method::DELETE,
                &format!("/api/aiops/maintenance/{component}"),
                Some(&user_token()),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    let (_, counted) = app.alert(&alertmanager("firing")).await;

    // Assert
    assert_eq!(counted["opened"].as_array().map(Vec::len), Some(1), "{counted}");
}

#[tokio::test]
async fn an_anomaly_of_a_silenced_component_is_kept_but_not_published_or_correlated() {
    // Arrange
    let (app, source) = spawn();
    source.add(Series::OutboxAgeSeconds, "outbox-relay", steady(2.0, 200, start()));
    app.watch_at(start()).await;
    let until = (start() + TimeDelta::hours(2)).to_rfc3339();
    let (status, _) = app
        .request(
            Method::PUT,
            "/api/aiops/maintenance/outbox-relay",
            Some(&user_token()),
            Some(&json!({"until": until, "reason": "draining a backlog by hand"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // Act
    let spike_at = start() + TimeDelta::seconds(STEP);
    source.add(
        Series::OutboxAgeSeconds,
        "outbox-relay",
        [Point {
            at_ms: spike_at.timestamp_millis(),
            value: 3_600.0,
        }],
    );
    let report = app.watch_at(spike_at).await;

    // Assert
    assert_eq!(report["anomalies"], 1, "{report}");
    assert_eq!(report["incidents_opened"], 0, "{report}");
    let (_, anomalies) = app.get("/api/aiops/anomalies").await;
    assert_eq!(anomalies["items"][0]["silenced"], true, "{anomalies}");
    let published = app.published().await;
    assert!(
        !published
            .iter()
            .any(|e| matches!(e.payload, EventPayload::AnomalyDetected(_))),
        "{published:?}"
    );
}

#[tokio::test]
async fn a_window_must_end_in_the_next_seven_days_with_a_reason() {
    let (app, _) = spawn();
    let put = |body: serde_json::Value| {
        let app = &app;
        async move {
            app.request(
                Method::PUT,
                "/api/aiops/maintenance/postgresql",
                Some(&user_token()),
                Some(&body),
            )
            .await
        }
    };

    let (past, problem) = put(json!({"until": (start() - TimeDelta::minutes(1)).to_rfc3339(), "reason": "x"})).await;
    let (far, _) = put(json!({"until": (start() + TimeDelta::days(8)).to_rfc3339(), "reason": "x"})).await;
    let (no_reason, missing) = put(json!({"until": (start() + TimeDelta::hours(1)).to_rfc3339()})).await;
    let (not_a_time, _) = put(json!({"until": "tomorrow", "reason": "x"})).await;
    let (nothing_to_end, _) = app
        .request(
            Method::DELETE,
            "/api/aiops/maintenance/redis",
            Some(&user_token()),
            None,
        )
        .await;
    let (anonymous, _) = app
        .request(Method::DELETE, "/api/aiops/maintenance/redis", None, None)
        .await;

    for status in [past, far, no_reason, not_a_time] {
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(problem["invalid-params"][0]["name"], "until", "{problem}");
    assert_eq!(missing["invalid-params"][0]["name"], "reason", "{missing}");
    assert_eq!(nothing_to_end, StatusCode::NOT_FOUND);
    assert_eq!(anonymous, StatusCode::UNAUTHORIZED);
}
