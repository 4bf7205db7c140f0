//! Prometheus metrics for every function, in one process-wide registry.
//!
//! One registry per process (not per function) because `todo serve` runs several functions in one
//! process and Prometheus scrapes one `/metrics` per pod; the `service` label on every family keeps
//! them apart. Families are built from [`CATALOG`], the list the observability tests check
//! dashboards and rules against. Label values must come from small fixed sets (route templates,
//! topic names, event types): never raw paths or user ids.

mod catalog;
mod http;

use std::sync::OnceLock;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use prometheus::{GaugeVec, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder};

pub use catalog::*;
pub use http::track_http;

/// The content type of the Prometheus text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The metric families, ready for call sites.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// `http_requests_total{service,endpoint,method,status}`.
    pub http_requests: IntCounterVec,
    /// `http_request_duration_seconds{service,endpoint,method}`.
    pub http_request_duration: HistogramVec,
    /// `http_requests_in_flight{service}`.
    pub http_requests_in_flight: IntGaugeVec,
    /// `task_operations_total{service,operation}`.
    pub task_operations: IntCounterVec,
    /// `active_sessions_count{service}`.
    pub active_sessions: IntGaugeVec,
    /// `ai_requests_total{service,model,status}`.
    pub ai_requests: IntCounterVec,
    /// `ai_request_duration_seconds{service,model}`.
    pub ai_request_duration: HistogramVec,
    /// `events_published_total{service,topic,type}`.
    pub events_published: IntCounterVec,
    /// `event_publish_failures_total{service,topic}`.
    pub event_publish_failures: IntCounterVec,
    /// `events_consumed_total{service,consumer,type,outcome}`.
    pub events_consumed: IntCounterVec,
    /// `event_handler_duration_seconds{service,consumer,type}`.
    pub event_handler_duration: HistogramVec,
    /// `events_dead_lettered_total{service,consumer,topic}`.
    pub events_dead_lettered: IntCounterVec,
    /// `outbox_pending{service}`.
    pub outbox_pending: IntGaugeVec,
    /// `outbox_oldest_pending_seconds{service}`.
    pub outbox_oldest_pending: GaugeVec,
    /// `outbox_publish_lag_seconds{service}`.
    pub outbox_publish_lag: HistogramVec,
    /// `kafka_consumer_lag{service,topic,consumer_group}`.
    pub kafka_consumer_lag: IntGaugeVec,
    /// `archived_events_total{service,topic}`.
    pub archived_events: IntCounterVec,
    /// `archive_lag_seconds{service,topic}`.
    pub archive_lag: GaugeVec,
    /// `backup_last_success_timestamp_seconds{service}`.
    pub backup_last_success: GaugeVec,
    /// `aiops_anomalies_detected_total{service,component,series}`.
    pub aiops_anomalies_detected: IntCounterVec,
    /// `aiops_incidents_open{service}`.
    pub aiops_incidents_open: IntGaugeVec,
    /// `aiops_watch_duration_seconds{service}`.
    pub aiops_watch_duration: HistogramVec,
    /// `aiops_watch_errors_total{service,series}`.
    pub aiops_watch_errors: IntCounterVec,
    /// `http_requests_rate_limited_total{scope}`.
    pub http_rate_limited: IntCounterVec,
    /// `audit_records_dropped_total{reason}`.
    pub audit_records_dropped: IntCounterVec,
}

/// The process-wide metrics.
pub fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(Metrics::new)
}

impl Metrics {
    fn new() -> Self {
        let registry = Registry::new();
        #[cfg(target_os = "linux")]
        registry
            .register(Box::new(prometheus::process_collector::ProcessCollector::for_self()))
            .expect("the process collector registers once");
        Self {
            http_requests: counter(&registry, &HTTP_REQUESTS),
            http_request_duration: histogram(&registry, &HTTP_REQUEST_DURATION, LATENCY_BUCKETS),
            http_requests_in_flight: int_gauge(&registry, &HTTP_REQUESTS_IN_FLIGHT),
            task_operations: counter(&registry, &TASK_OPERATIONS),
            active_sessions: int_gauge(&registry, &ACTIVE_SESSIONS),
            ai_requests: counter(&registry, &AI_REQUESTS),
            ai_request_duration: histogram(&registry, &AI_REQUEST_DURATION, SLOW_BUCKETS),
            events_published: counter(&registry, &EVENTS_PUBLISHED),
            event_publish_failures: counter(&registry, &EVENT_PUBLISH_FAILURES),
            events_consumed: counter(&registry, &EVENTS_CONSUMED),
            event_handler_duration: histogram(&registry, &EVENT_HANDLER_DURATION, LATENCY_BUCKETS),
            events_dead_lettered: counter(&registry, &EVENTS_DEAD_LETTERED),
            outbox_pending: int_gauge(&registry, &OUTBOX_PENDING),
            outbox_oldest_pending: gauge(&registry, &OUTBOX_OLDEST_PENDING),
            outbox_publish_lag: histogram(&registry, &OUTBOX_PUBLISH_LAG, SLOW_BUCKETS),
            kafka_consumer_lag: int_gauge(&registry, &KAFKA_CONSUMER_LAG),
            archived_events: counter(&registry, &ARCHIVED_EVENTS),
            archive_lag: gauge(&registry, &ARCHIVE_LAG),
            backup_last_success: gauge(&registry, &BACKUP_LAST_SUCCESS),
            aiops_anomalies_detected: counter(&registry, &AIOPS_ANOMALIES_DETECTED),
            aiops_incidents_open: int_gauge(&registry, &AIOPS_INCIDENTS_OPEN),
            aiops_watch_duration: histogram(&registry, &AIOPS_WATCH_DURATION, SLOW_BUCKETS),
            aiops_watch_errors: counter(&registry, &AIOPS_WATCH_ERRORS),
            http_rate_limited: counter(&registry, &HTTP_RATE_LIMITED),
            audit_records_dropped: counter(&registry, &AUDIT_RECORDS_DROPPED),
            registry,
        }
    }

    /// Everything registered, as metric families: what this process would answer a scrape with,
    /// for code that reads its own figures (aiops' local source in `todo serve`).
    pub fn gather(&self) -> Vec<prometheus::proto::MetricFamily> {
        self.registry.gather()
    }

    /// Everything registered, in the Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        TextEncoder::new()
            .encode_utf8(&self.registry.gather(), &mut out)
            .expect("text encoding of gathered families cannot fail");
        out
    }
}

/// `GET /metrics` in the Prometheus text format.
pub fn router() -> Router {
    Router::new().route(
        "/metrics",
        get(|| async { ([(header::CONTENT_TYPE, CONTENT_TYPE)], metrics().render()).into_response() }),
    )
}

fn register<C: prometheus::core::Collector + Clone + 'static>(registry: &Registry, collector: C) -> C {
    registry
        .register(Box::new(collector.clone()))
        .expect("each catalog family registers once");
    collector
}

fn counter(registry: &Registry, spec: &MetricSpec) -> IntCounterVec {
    debug_assert_eq!(spec.kind, MetricKind::Counter);
    register(
        registry,
        IntCounterVec::new(Opts::new(spec.name, spec.help), spec.labels).expect("valid counter spec"),
    )
}

fn int_gauge(registry: &Registry, spec: &MetricSpec) -> IntGaugeVec {
    debug_assert_eq!(spec.kind, MetricKind::Gauge);
    register(
        registry,
        IntGaugeVec::new(Opts::new(spec.name, spec.help), spec.labels).expect("valid gauge spec"),
    )
}

fn gauge(registry: &Registry, spec: &MetricSpec) -> GaugeVec {
    debug_assert_eq!(spec.kind, MetricKind::Gauge);
    register(
        registry,
        GaugeVec::new(Opts::new(spec.name, spec.help), spec.labels).expect("valid gauge spec"),
    )
}

fn histogram(registry: &Registry, spec: &MetricSpec, buckets: &[f64]) -> HistogramVec {
    debug_assert_eq!(spec.kind, MetricKind::Histogram);
    let opts = HistogramOpts::new(spec.name, spec.help).buckets(buckets.to_vec());
    register(
        registry,
        HistogramVec::new(opts, spec.labels).expect("valid histogram spec"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_family_is_registered_with_its_labels() {
        let m = metrics();
        // Touch one child of each family so gather() lists it.
        m.http_requests.with_label_values(&["t", "/x", "GET", "200"]).inc();
        m.http_request_duration
            .with_label_values(&["t", "/x", "GET"])
            .observe(0.01);
        m.http_requests_in_flight.with_label_values(&["t"]).set(0);
        m.task_operations.with_label_values(&["t", "create"]).inc();
        m.active_sessions.with_label_values(&["t"]).set(1);
        m.ai_requests.with_label_values(&["t", "rules", "ok"]).inc();
        m.ai_request_duration.with_label_values(&["t", "rules"]).observe(0.001);
        m.events_published
            .with_label_values(&["t", "task-events", "task.created"])
            .inc();
        m.event_publish_failures.with_label_values(&["t", "task-events"]).inc();
        m.events_consumed
            .with_label_values(&["t", "c", "task.created", "processed"])
            .inc();
        m.event_handler_duration
            .with_label_values(&["t", "c", "task.created"])
            .observe(0.002);
        m.events_dead_lettered
            .with_label_values(&["t", "c", "task-events"])
            .inc();
        m.outbox_pending.with_label_values(&["t"]).set(3);
        m.outbox_oldest_pending.with_label_values(&["t"]).set(1.5);
        m.outbox_publish_lag.with_label_values(&["t"]).observe(0.02);
        m.kafka_consumer_lag
            .with_label_values(&["t", "task-events", "g"])
            .set(7);
        m.archived_events.with_label_values(&["t", "task-events"]).inc();
        m.archive_lag.with_label_values(&["t", "task-events"]).set(2.0);
        m.backup_last_success.with_label_values(&["t"]).set(1.0);
        m.aiops_anomalies_detected
            .with_label_values(&["t", "task-api", "request_rate"])
            .inc();
        m.aiops_incidents_open.with_label_values(&["t"]).set(1);
        m.aiops_watch_duration.with_label_values(&["t"]).observe(0.2);
        m.aiops_watch_errors.with_label_values(&["t", "request_rate"]).inc();
        m.http_rate_limited.with_label_values(&["user"]).inc();
        m.audit_records_dropped.with_label_values(&["queue_full"]).inc();

        let families = m.registry.gather();
        for spec in CATALOG {
            let family = families.iter().find(|f| f.name() == spec.name);
            let family = family.unwrap_or_else(|| panic!("{} is not registered", spec.name));
            let labels: Vec<&str> = family.get_metric()[0].get_label().iter().map(|l| l.name()).collect();
            let mut expected = spec.labels.to_vec();
            expected.sort_unstable();
            let mut actual = labels.clone();
            actual.sort_unstable();
            assert_eq!(actual, expected, "labels of {}", spec.name);
        }
        let text = m.render();
        assert!(text.contains("# TYPE http_request_duration_seconds histogram"));
        assert!(text.contains("outbox_pending{service=\"t\"} 3"));
        #[cfg(target_os = "linux")]
        for name in PROCESS_METRICS {
            assert!(
                text.contains(&format!("# TYPE {name} ")),
                "{name} missing from the process collector"
            );
        }
    }
}
