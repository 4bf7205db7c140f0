//! The watch end to end: history warms the detectors without reports; an injected spike is one
//! anomaly, one `anomaly.detected` on the bus and one incident; when the anomaly goes quiet the
//! incident resolves.

use aiops::source::{Point, Series};
use chrono::TimeDelta;
use todo_events::EventPayload;

use crate::helpers::{STEP, spawn, start, steady};

#[tokio::test]
async fn a_spike_in_one_series_is_one_anomaly_one_event_and_one_incident() {
    // Arrange: three hours of steady p99 latency for task-api, learnt from on the first run.
    let (app, source) = spawn();
    source.add(Series::P99LatencySeconds, "task-api", steady(0.120, 200, start()));
    let first = app.watch_at(start()).await;
    assert_eq!(first["anomalies"], 0, "history is learnt from, not reported: {first}");
    assert_eq!(first["points"], 181, "three hours back, both ends included: {first}");

    // Act: the next minute, the latency jumps twentyfold.
    let spike_at = start() + TimeDelta::seconds(STEP);
    source.add(
        Series::P99LatencySeconds,
        "task-api",
        [Point {
            at_ms: spike_at.timestamp_millis(),
            value: 2.5,
        }],
    );
    let report = app.watch_at(spike_at).await;

    // Assert: one anomaly, published once, and one incident on task-api.
    assert_eq!(report["points"], 1, "only the new point is scored: {report}");
    assert_eq!(report["anomalies"], 1, "{report}");
    assert_eq!(report["incidents_opened"], 1, "{report}");
    let (_, anomalies) = app.get("/api/aiops/anomalies").await;
    let items = anomalies["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{anomalies}");
    assert_eq!(items[0]["component"], "task-api");
    assert_eq!(items[0]["series"], "p99_latency_seconds");
    assert_eq!(items[0]["value"], 2.5);
    assert!(items[0]["score"].as_f64() >= Some(todo_aiops::detector::ANOMALY_THRESHOLD));
    let published = app.published().await;
    let detected: Vec<_> = published
        .iter()
        .filter_map(|e| match &e.payload {
            EventPayload::AnomalyDetected(a) => Some(a),
            _ => None,
        })
        .collect();
    assert_eq!(detected.len(), 1, "{published:?}");
    assert_eq!(detected[0].component, "task-api");
    assert_eq!(detected[0].at, spike_at);
    assert_eq!(published[0].source, aiops::EVENT_SOURCE);
    assert!(
        published
            .iter()
            .any(|e| matches!(&e.payload, EventPayload::IncidentOpened(o) if o.root_cause == "task-api")),
        "{published:?}"
    );
    let (_, incidents) = app.get("/api/aiops/incidents?status=open").await;
    let open = incidents["items"].as_array().expect("items");
    assert_eq!(open.len(), 1, "{incidents}");
    assert_eq!(open[0]["root_cause"]["component"], "task-api");
    assert_eq!(open[0]["signals"][0]["source"]["kind"], "anomaly");
}

#[tokio::test]
async fn an_anomaly_that_goes_quiet_resolves_its_incident_and_says_so() {
    // Arrange: a spike after the history, as above.
    let (app, source) = spawn();
    source.add(Series::ConsumerLag, "analytics", steady(40.0, 200, start()));
    app.watch_at(start()).await;
    let spike_at = start() + TimeDelta::seconds(STEP);
    source.add(
        Series::ConsumerLag,
        "analytics",
        [Point {
            at_ms: spike_at.timestamp_millis(),
            value: 25_000.0,
        }],
    );
    let spiked = app.watch_at(spike_at).await;
    assert_eq!(spiked["incidents_opened"], 1, "{spiked}");

    // Act: no more anomalies for 16 minutes (the correlator's quiet time is 15).
    let report = app.watch_at(spike_at + TimeDelta::minutes(16)).await;

    // Assert
    assert_eq!(report["incidents_resolved"], 1, "{report}");
    let (_, resolved) = app.get("/api/aiops/incidents?status=resolved").await;
    assert_eq!(resolved["items"].as_array().map(Vec::len), Some(1), "{resolved}");
    let published = app.published().await;
    let resolution = published
        .iter()
        .find_map(|e| match &e.payload {
            EventPayload::IncidentResolved(r) => Some(r.clone()),
            _ => None,
        })
        .expect("incident.resolved was published");
    assert_eq!(resolution.root_cause, "analytics");
    assert_eq!(resolution.resolved_at, spike_at, "an anomaly ends at its last report");
}

#[tokio::test]
async fn a_run_that_can_fetch_nothing_fails_so_its_trigger_retries() {
    // Arrange: a source that refuses every query.
    #[derive(Debug)]
    struct Down;
    #[async_trait::async_trait]
    impl aiops::source::MetricSource for Down {
        async fn fetch(&self, _: Series, _: aiops::source::Window) -> aiops::Result<aiops::source::Samples> {
            Err(aiops::Error::Malformed("down".into()))
        }
    }
    let app = crate::helpers::spawn_on(std::sync::Arc::new(Down));

    // Act
    let result = app.aiops.watch.run().await;

    // Assert
    let error = result.expect_err("nothing was fetched");
    assert!(error.0.contains("no series could be fetched"), "{error}");
}
