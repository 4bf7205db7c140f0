//! `PrometheusSource` against a local server that speaks Prometheus' query API (`GET
//! /api/v1/query_range`, the `matrix` answer and the error answer), as Prometheus itself cannot
//! be installed here: the parameters it sends, the points it reads, the errors it reports, and a
//! watch over it that finds a spike.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aiops::Error;
use aiops::source::{MetricSource, Point, PrometheusSource, Series, Window};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

use crate::helpers::{STEP, spawn_on, start};

/// The parameters of every query the double answered.
type Asked = Arc<Mutex<Vec<BTreeMap<String, String>>>>;

/// When the double's task-api request rate jumps.
fn spike_at() -> DateTime<Utc> {
    start() + TimeDelta::seconds(STEP)
}

/// `[[t, "v"], ...]` from `start` to `end` at `step`, as Prometheus evaluates a range.
fn values(params: &BTreeMap<String, String>, value: impl Fn(i64) -> f64) -> Vec<Value> {
    let number = |name: &str| params[name].trim_end_matches('s').parse::<i64>().expect("a number");
    let (start, end, step) = (number("start"), number("end"), number("step"));
    (0..)
        .map(|i| start + i * step)
        .take_while(|t| *t <= end)
        .map(|t| json!([t, value(t).to_string()]))
        .collect()
}

fn matrix(result: Vec<Value>) -> Response {
    Json(json!({"status": "success", "data": {"resultType": "matrix", "result": result}})).into_response()
}

async fn query_range(State(asked): State<Asked>, Query(params): Query<BTreeMap<String, String>>) -> Response {
    asked.lock().expect("asked").push(params.clone());
    match params["query"].as_str() {
        "service:http_requests:rate5m" => matrix(vec![json!({
            "metric": {"service": "task-api"},
            "values": values(&params, |t| if t == spike_at().timestamp() { 900.0 } else { 50.0 + (t / STEP % 5) as f64 }),
        })]),
        "max by (pod) (process_resident_memory_bytes)" => matrix(vec![
            json!({"metric": {"pod": "task-api-00001-deployment-5f7c9-abcde"}, "values": values(&params, |_| 40e6)}),
            json!({"metric": {"pod": "task-api-00001-deployment-5f7c9-fghij"}, "values": values(&params, |_| 52e6)}),
            json!({"metric": {"pod": "coredns-5d78c9869d-x2x9q"}, "values": values(&params, |_| 20e6)}),
        ]),
        "service:http_request_error_ratio:ratio_rate5m" => (
            StatusCode::BAD_REQUEST,
            Json(
                json!({"status": "error", "errorType": "bad_data", "error": "1:9: parse error: unexpected character"}),
            ),
        )
            .into_response(),
        _ => matrix(Vec::new()),
    }
}

/// A Prometheus double on a free port; its base URL and what it was asked.
async fn prometheus_double() -> (String, Asked) {
    let asked = Asked::default();
    let app = axum::Router::new()
        .route("/api/v1/query_range", axum::routing::get(query_range))
        .with_state(asked.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, asked)
}

fn window() -> Window {
    Window {
        start: start() - TimeDelta::minutes(2),
        end: start(),
        step: Duration::from_secs(60),
    }
}

#[tokio::test]
async fn a_range_query_sends_the_window_and_reads_the_matrix_per_component() -> Result<(), Error> {
    // Arrange
    let (url, asked) = prometheus_double().await;
    let source = PrometheusSource::new(&format!("{url}/"))?;

    // Act
    let samples = source.fetch(Series::RssBytes, window()).await?;

    // Assert: the query and window as sent; two task-api pods are one component (the larger),
    // and the pod of another workload is left out.
    let params = asked.lock().expect("asked")[0].clone();
    assert_eq!(params["query"], "max by (pod) (process_resident_memory_bytes)");
    assert_eq!(
        params["start"],
        (start() - TimeDelta::minutes(2)).timestamp().to_string()
    );
    assert_eq!(params["end"], start().timestamp().to_string());
    assert_eq!(params["step"], "60s");
    assert_eq!(samples.keys().collect::<Vec<_>>(), ["task-api"]);
    assert_eq!(
        samples["task-api"],
        [-120, -60, 0].map(|offset| Point {
            at_ms: (start().timestamp() + offset) * 1000,
            value: 52e6
        })
    );
    Ok(())
}

#[tokio::test]
async fn an_error_answer_and_an_unreachable_server_are_typed_errors() -> Result<(), Error> {
    // Arrange
    let (url, _) = prometheus_double().await;
    let source = PrometheusSource::new(&url)?;
    let nowhere = PrometheusSource::new("http://127.0.0.1:9")?;

    // Act
    let refused = source.fetch(Series::ErrorRatio, window()).await;
    let unreachable = nowhere.fetch(Series::RequestRate, window()).await;

    // Assert
    match refused {
        Err(error @ Error::Refused { status: 400, .. }) => {
            assert!(error.to_string().contains("bad_data"), "{error}");
            assert!(error.to_string().contains("parse error"), "{error}");
            assert!(!error.is_transient());
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(
        matches!(&unreachable, Err(e @ Error::Unreachable(_)) if e.is_transient()),
        "{unreachable:?}"
    );
    assert!(PrometheusSource::new("prometheus:9090").is_err(), "not a URL");
    Ok(())
}

#[tokio::test]
async fn a_watch_over_prometheus_finds_the_spike_and_counts_the_refused_series() -> Result<(), Error> {
    // Arrange: three hours of history on the first run.
    let (url, _) = prometheus_double().await;
    let app = spawn_on(Arc::new(PrometheusSource::new(&url)?));
    let first = app.watch_at(start()).await;
    assert_eq!(first["anomalies"], 0, "{first}");
    assert_eq!(first["failed_series"], json!(["error_ratio"]), "{first}");

    // Act: the minute of the spike.
    let report = app.watch_at(spike_at()).await;

    // Assert
    assert_eq!(report["anomalies"], 1, "{report}");
    let (_, anomalies) = app.get("/api/aiops/anomalies?limit=5").await;
    assert_eq!(anomalies["items"][0]["series"], "request_rate", "{anomalies}");
    assert_eq!(anomalies["items"][0]["value"], 900.0);
    let (_, metrics) = app.request(axum::http::Method::GET, "/metrics", None, None).await;
    let text = metrics.as_str().unwrap_or_default();
    assert!(
        text.contains(r#"aiops_watch_errors_total{series="error_ratio",service="aiops"}"#),
        "{text}"
    );
    Ok(())
}
