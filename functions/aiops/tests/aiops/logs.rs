//! The log watch: the warning and error lines of a log source (this process's tap, or Loki
//! played by a local server speaking its query API, as Loki cannot be installed here) become
//! template bursts: a flood of one error of a consumer is an anomaly of that consumer with the
//! template, an `anomaly.detected` and an incident naming it; steady lines are not.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aiops::Error;
use aiops::logs::{LogSource, LokiSource, TapSource};
use aiops::source::MetricSource;
use aiops::{LOG_BURST, Sources};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;
use todo_aiops::remediation::Mode;
use todo_events::EventPayload;
use todo_kit::telemetry::tap::LogTap;

use crate::helpers::{STEP, ScriptedSource, spawn_with, start};

/// A line as the kit's JSON format writes it for a consumer under `todo serve`.
fn line(at: DateTime<Utc>, level: &str, consumer: &str, message: &str, offset: usize) -> String {
    json!({
        "timestamp": at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        "level": level,
        "service": "todo-serve",
        "target": "todo_kit::handler::consume",
        "consumer": consumer,
        "topic": "task-events",
        "offset": offset,
        "message": message,
    })
    .to_string()
}

#[tokio::test]
async fn a_flood_of_one_error_is_an_anomaly_of_its_consumer_with_the_template_and_an_incident() {
    // Arrange: half an hour of one retry warning a minute from the scheduler, learnt from on the
    // first run.
    let tap = Arc::new(LogTap::new(10_000));
    for minute in 0..30 {
        let at = start() - TimeDelta::minutes(30 - minute) + TimeDelta::seconds(7);
        tap.push(&line(
            at,
            "WARN",
            "scheduler",
            "handler failed; retrying",
            minute as usize,
        ));
    }
    let metrics: Arc<dyn MetricSource> = Arc::new(ScriptedSource::default());
    let logs: Arc<dyn LogSource> = Arc::new(TapSource::new(tap.clone()));
    let app = spawn_with(
        Sources {
            metrics,
            logs: Some(logs),
        },
        Mode::DryRun,
    );
    let first = app.watch_at(start()).await;
    assert_eq!(first["log_lines"], 30, "{first}");
    assert_eq!(first["anomalies"], 0, "history is learnt from, not reported: {first}");

    // Act: in the next minute the scheduler warns as usual, and the notifier sends 40 events to
    // dead-letter.
    tap.push(&line(
        start() + TimeDelta::seconds(7),
        "WARN",
        "scheduler",
        "handler failed; retrying",
        31,
    ));
    for offset in 0..40 {
        let at = start() + TimeDelta::seconds(10) + TimeDelta::milliseconds(offset as i64 * 100);
        tap.push(&line(at, "ERROR", "notifier", "event sent to dead-letter", offset));
    }
    let report = app.watch_at(start() + TimeDelta::seconds(STEP)).await;

    // Assert: one anomaly, the notifier's, with its template; published and an incident.
    assert_eq!(report["log_lines"], 41, "{report}");
    assert_eq!(report["anomalies"], 1, "the steady warning is no burst: {report}");
    let (_, anomalies) = app.get("/api/aiops/anomalies").await;
    let found = &anomalies["items"][0];
    assert_eq!(found["component"], "notifier", "{anomalies}");
    assert_eq!(found["series"], LOG_BURST);
    assert_eq!(found["template"], "event sent to dead-letter");
    assert!(
        found["value"].as_f64() >= Some(5.0),
        "the count when it became a burst: {found}"
    );
    assert!(found["score"].as_f64() > Some(0.999), "{found}");
    let published = app.published().await;
    let detected = published
        .iter()
        .find_map(|e| match &e.payload {
            EventPayload::AnomalyDetected(a) => Some(a.clone()),
            _ => None,
        })
        .expect("anomaly.detected");
    assert_eq!(detected.template.as_deref(), Some("event sent to dead-letter"));
    assert_eq!(detected.series, LOG_BURST);
    let (_, incidents) = app.get("/api/aiops/incidents?status=open").await;
    assert_eq!(
        incidents["items"][0]["root_cause"]["component"], "notifier",
        "{incidents}"
    );

    // And the burst is reported once, not again with each line of the same minute.
    for offset in 40..60 {
        let at = start() + TimeDelta::seconds(STEP + 5) + TimeDelta::milliseconds(offset as i64);
        tap.push(&line(at, "ERROR", "notifier", "event sent to dead-letter", offset));
    }
    let next = app.watch_at(start() + TimeDelta::seconds(2 * STEP)).await;
    assert_eq!(next["log_lines"], 20, "{next}");
    assert_eq!(next["anomalies"], 0, "{next}");
}

/// What the Loki double serves and what it was asked.
#[derive(Clone, Default)]
struct Loki {
    /// `(unix nanoseconds, line)`, in time order.
    entries: Arc<Vec<(i128, String)>>,
    asked: Arc<Mutex<Vec<BTreeMap<String, String>>>>,
}

/// `GET /loki/api/v1/query_range` as Loki answers a log query: forward, at most `limit` entries
/// from `start` to `end` (both included), one stream per service; a bad query is a 400 in text.
async fn query_range(State(loki): State<Loki>, Query(params): Query<BTreeMap<String, String>>) -> Response {
    loki.asked.lock().expect("asked").push(params.clone());
    if !params["query"].starts_with('{') {
        return (
            StatusCode::BAD_REQUEST,
            "parse error at line 1, col 1: syntax error: unexpected IDENTIFIER\n",
        )
            .into_response();
    }
    let number = |name: &str| params[name].parse::<i128>().expect("nanoseconds");
    let (start, end, limit) = (
        number("start"),
        number("end"),
        params["limit"].parse::<usize>().expect("limit"),
    );
    let values: Vec<_> = loki
        .entries
        .iter()
        .filter(|(at, _)| (start..=end).contains(at))
        .take(limit)
        .map(|(at, line)| json!([at.to_string(), line]))
        .collect();
    axum::Json(json!({
        "status": "success",
        "data": {"resultType": "streams", "result": [{"stream": {"service": "notifier", "level": "error"}, "values": values}],
                 "stats": {}},
    }))
    .into_response()
}

async fn loki_double(loki: Loki) -> String {
    let app = axum::Router::new()
        .route("/loki/api/v1/query_range", axum::routing::get(query_range))
        .with_state(loki);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

fn nanos(at: DateTime<Utc>) -> i128 {
    i128::from(at.timestamp_nanos_opt().expect("in range"))
}

#[tokio::test]
async fn loki_is_read_forward_a_page_at_a_time_and_lines_on_a_page_boundary_come_once() -> Result<(), Error> {
    // Arrange: 5,003 lines in the minute; the 5,000th to the 5,003rd share one nanosecond, so the
    // second page starts there and repeats the first page's last line.
    let base = nanos(start());
    let mut entries: Vec<(i128, String)> = (0..4_999)
        .map(|i| (base + i128::from(i) * 1_000, format!("line {i}")))
        .collect();
    let shared = base + 4_999 * 1_000;
    entries.extend((4_999..5_003).map(|i| (shared, format!("line {i}"))));
    let loki = Loki {
        entries: Arc::new(entries),
        ..Loki::default()
    };
    let source = LokiSource::new(
        &format!("{}/", loki_double(loki.clone()).await),
        aiops::logs::DEFAULT_QUERY,
    )?;

    // Act
    let lines = source.fetch(start(), start() + TimeDelta::minutes(1)).await?;

    // Assert
    assert_eq!(lines.len(), 5_003);
    let distinct: std::collections::BTreeSet<_> = lines.iter().collect();
    assert_eq!(distinct.len(), 5_003, "no line twice");
    let asked = loki.asked.lock().expect("asked").clone();
    assert_eq!(asked.len(), 2, "{asked:?}");
    assert_eq!(asked[0]["query"], r#"{namespace="todo", level=~"warn|error"}"#);
    assert_eq!(asked[0]["direction"], "forward");
    assert_eq!(asked[0]["limit"], "5000");
    assert_eq!(asked[0]["start"], base.to_string());
    assert_eq!(
        asked[0]["end"],
        (nanos(start() + TimeDelta::minutes(1)) - 1).to_string(),
        "the end is left to the next fetch"
    );
    assert_eq!(asked[1]["start"], shared.to_string());
    Ok(())
}

#[tokio::test]
async fn a_refused_log_query_is_a_typed_error_and_the_watch_counts_it_without_failing() -> Result<(), Error> {
    // Arrange
    let url = loki_double(Loki::default()).await;
    let bad = LokiSource::new(&url, "sum(rate({namespace=\"todo\"}[1m]))")?;
    assert!(
        LokiSource::new("loki:3100", aiops::logs::DEFAULT_QUERY).is_err(),
        "not a URL"
    );

    // Act
    let refused = bad.fetch(start(), start() + TimeDelta::minutes(1)).await;
    let metrics: Arc<dyn MetricSource> = Arc::new(ScriptedSource::default());
    let app = spawn_with(
        Sources {
            metrics,
            logs: Some(Arc::new(bad)),
        },
        Mode::DryRun,
    );
    let report = app.watch_at(start()).await;

    // Assert
    match refused {
        Err(error @ Error::Refused { status: 400, .. }) => {
            assert!(error.to_string().contains("syntax error"), "{error}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(report["failed_series"], json!([LOG_BURST]), "{report}");
    Ok(())
}
