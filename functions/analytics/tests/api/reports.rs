//! The three reports over HTTP for the known history, and what another user sees.

use serde_json::json;

use crate::helpers::spawn_app;

const WEEK: &str = "from=2026-03-01&to=2026-03-07";

#[tokio::test]
async fn the_summary_reports_the_known_history() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let answer = app.get(Some("alice"), &format!("/api/analytics/summary?{WEEK}")).await;

    // Assert
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    let s = answer.body;
    assert_eq!(s["from"], "2026-03-01T00:00:00Z");
    assert_eq!(s["to"], "2026-03-08T00:00:00Z");
    assert_eq!(
        (s["created"].as_i64(), s["completed"].as_i64(), s["deleted"].as_i64()),
        (Some(7), Some(3), Some(2))
    );
    let rate = s["completion_rate"].as_f64().expect("a rate");
    assert!((rate - 3.0 / 7.0).abs() < 1e-9);
    assert_eq!(s["median_time_to_complete_seconds"], json!(7200.0));
    assert_eq!(s["p90_time_to_complete_seconds"], json!(70560.0));
    assert_eq!((s["open"].as_i64(), s["overdue"].as_i64()), (Some(3), Some(1)));
    assert_eq!(s["by_priority"], json!({"high": 0, "low": 1, "medium": 1, "urgent": 1}));
    assert_eq!(s["by_tag"], json!({"errand": 1, "home": 2, "work": 1}));
    assert_eq!((s["sessions"].as_i64(), s["messages"].as_i64()), (Some(2), Some(5)));
    assert_eq!(s["intents"], json!({"recognized": 4, "failed": 1, "failure_rate": 0.2}));
    assert_eq!(
        s["notifications"],
        json!({"sent": 3, "failed": 1, "success_rate": 0.75})
    );
}

#[tokio::test]
async fn a_range_before_the_history_has_zeros_and_no_rates() {
    let app = spawn_app().await;

    let answer = app
        .get(Some("alice"), "/api/analytics/summary?from=2026-02-01&to=2026-02-28")
        .await;

    assert_eq!(answer.status, 200);
    let s = answer.body;
    assert_eq!(
        (s["created"].as_i64(), s["completed"].as_i64(), s["sessions"].as_i64()),
        (Some(0), Some(0), Some(0))
    );
    assert_eq!(s["completion_rate"], json!(null));
    assert_eq!(s["median_time_to_complete_seconds"], json!(null));
    // Open and overdue are about now, not the range.
    assert_eq!((s["open"].as_i64(), s["overdue"].as_i64()), (Some(3), Some(1)));
}

#[tokio::test]
async fn trends_have_a_zero_filled_point_per_bucket() {
    let app = spawn_app().await;

    let daily = app
        .get(Some("alice"), &format!("/api/analytics/trends?metric=messages&{WEEK}"))
        .await;
    let weekly = app
        .get(
            Some("alice"),
            &format!("/api/analytics/trends?metric=tasks_created&bucket=week&{WEEK}"),
        )
        .await;

    assert_eq!(daily.status, 200, "{:?}", daily.body);
    assert_eq!(daily.body["metric"], "messages");
    assert_eq!(daily.body["bucket"], "day");
    let values: Vec<_> = daily.body["points"]
        .as_array()
        .expect("points")
        .iter()
        .map(|p| p["value"].clone())
        .collect();
    assert_eq!(
        values,
        vec![json!(0), json!(3), json!(0), json!(2), json!(0), json!(0), json!(0)]
    );
    assert_eq!(daily.body["points"][1]["start"], "2026-03-02");
    assert_eq!(
        weekly.body["points"],
        json!([{"start": "2026-02-23", "value": 0}, {"start": "2026-03-02", "value": 7}])
    );
}

#[tokio::test]
async fn intents_are_broken_down_with_shares_and_failures() {
    let app = spawn_app().await;

    let answer = app.get(Some("alice"), &format!("/api/analytics/intents?{WEEK}")).await;

    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(
        answer.body["intents"],
        json!([{"intent": "create_task", "count": 3, "share": 0.75}, {"intent": "list_tasks", "count": 1, "share": 0.25}])
    );
    assert_eq!(
        (answer.body["recognized"].as_i64(), answer.body["failed"].as_i64()),
        (Some(4), Some(1))
    );
    assert_eq!(answer.body["failure_rate"], json!(0.2));
}

#[tokio::test]
async fn a_caller_sees_only_their_own_numbers() {
    let app = spawn_app().await;

    let bob = app
        .get(Some("bob"), &format!("/api/analytics/summary?{WEEK}"))
        .await
        .body;
    let bob_intents = app
        .get(Some("bob"), &format!("/api/analytics/intents?{WEEK}"))
        .await
        .body;
    let stranger = app
        .get(Some("mallory"), &format!("/api/analytics/summary?{WEEK}"))
        .await
        .body;

    assert_eq!(
        (bob["created"].as_i64(), bob["open"].as_i64(), bob["overdue"].as_i64()),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(bob["by_tag"], json!({"work": 1}));
    assert_eq!(bob["messages"], json!(0));
    assert_eq!(bob_intents["intents"], json!([]));
    assert_eq!(bob_intents["failure_rate"], json!(1.0));
    assert_eq!(
        (stranger["created"].as_i64(), stranger["open"].as_i64()),
        (Some(0), Some(0))
    );
    assert_eq!(stranger["by_tag"], json!({}));
    assert_eq!(stranger["notifications"]["success_rate"], json!(null));
}

#[tokio::test]
async fn the_default_range_is_the_last_thirty_days() {
    let app = spawn_app().await;

    let answer = app.get(Some("alice"), "/api/analytics/summary").await;

    assert_eq!(answer.status, 200);
    let from = chrono::DateTime::parse_from_rfc3339(answer.body["from"].as_str().expect("from")).expect("time");
    let to = chrono::DateTime::parse_from_rfc3339(answer.body["to"].as_str().expect("to")).expect("time");
    let days = (to - from).num_hours() as f64 / 24.0;
    assert!((29.0..=30.0).contains(&days), "{days} days");
    assert_eq!(
        from.format("%H:%M:%S").to_string(),
        "00:00:00",
        "starts at a UTC midnight"
    );
    // March 2026 is long past: nothing in range, but the open tasks are still open.
    assert_eq!(
        (answer.body["created"].as_i64(), answer.body["open"].as_i64()),
        (Some(0), Some(3))
    );
}
