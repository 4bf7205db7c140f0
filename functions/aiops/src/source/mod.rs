//! Where the watch reads the platform's figures from: the [`MetricSource`] trait, the [`Series`]
//! it watches per component, and two sources: [`PrometheusSource`] (the cluster's Prometheus,
//! through its HTTP API and our recording rules) and [`LocalSource`] (this process's own registry,
//! for `todo serve`, which runs no Prometheus).

mod local;
mod prometheus;
mod query_range;

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

pub use local::LocalSource;
pub use prometheus::PrometheusSource;
pub use query_range::parse_matrix;

/// One figure the watch follows for every component that has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Series {
    /// Requests per second (`service:http_requests:rate5m`).
    RequestRate,
    /// The share of requests answered 5xx (`service:http_request_error_ratio:ratio_rate5m`).
    ErrorRatio,
    /// The 99th percentile of request latency, seconds
    /// (`service:http_request_duration_seconds:p99_rate5m`).
    P99LatencySeconds,
    /// Messages a consumer group has still to read, over its topics (kafka_exporter's
    /// `kafka_consumergroup_lag`, through `consumergroup_topic:kafka_consumergroup_lag:sum`).
    ConsumerLag,
    /// Age of the oldest unpublished outbox row, seconds (`outbox_oldest_pending_seconds`, which
    /// the outbox relay and session-api export).
    OutboxAgeSeconds,
    /// Resident memory, bytes (`process_resident_memory_bytes`), the largest pod per component.
    RssBytes,
    /// Events a consumer moves to `dead-letter` per second (`events_dead_lettered_total`), 0 for a
    /// consumer that consumes and dead-letters nothing, so that the first dead letter stands out.
    DeadLetterRate,
}

impl Series {
    /// Every series, in the order a watch reads them.
    pub const ALL: [Series; 7] = [
        Series::RequestRate,
        Series::ErrorRatio,
        Series::P99LatencySeconds,
        Series::ConsumerLag,
        Series::OutboxAgeSeconds,
        Series::RssBytes,
        Series::DeadLetterRate,
    ];

    /// Its name in anomalies, events and metric labels.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Series::RequestRate => "request_rate",
            Series::ErrorRatio => "error_ratio",
            Series::P99LatencySeconds => "p99_latency_seconds",
            Series::ConsumerLag => "consumer_lag",
            Series::OutboxAgeSeconds => "outbox_age_seconds",
            Series::RssBytes => "rss_bytes",
            // The name the platform's playbooks trigger on.
            Series::DeadLetterRate => todo_aiops::remediation::DEAD_LETTER_RATE,
        }
    }

    /// The PromQL that gives it, one result series per value of [`Self::component_label`]. The
    /// recording rules of `observability/prometheus/rules/recording.yml` already aggregate the
    /// HTTP figures by `service`.
    #[must_use]
    pub fn promql(self) -> &'static str {
        match self {
            Series::RequestRate => "service:http_requests:rate5m",
            Series::ErrorRatio => "service:http_request_error_ratio:ratio_rate5m",
            Series::P99LatencySeconds => "service:http_request_duration_seconds:p99_rate5m",
            Series::ConsumerLag => "sum by (consumergroup) (consumergroup_topic:kafka_consumergroup_lag:sum)",
            Series::OutboxAgeSeconds => "max by (service) (outbox_oldest_pending_seconds)",
            Series::RssBytes => "max by (pod) (process_resident_memory_bytes)",
            // Every consumer that consumed anything has a series, 0 while it dead-letters nothing.
            Series::DeadLetterRate => {
                "sum by (service) (rate(events_dead_lettered_total[5m])) or sum by (service) (rate(events_consumed_total[5m])) * 0"
            }
        }
    }

    /// The label that names the component: `service` on our own metrics, `consumergroup` on
    /// kafka_exporter's (our consumer groups are named after their functions), `pod` on the
    /// process collector's, which carries only the scrape's target labels.
    #[must_use]
    pub fn component_label(self) -> &'static str {
        match self {
            Series::ConsumerLag => "consumergroup",
            Series::RssBytes => "pod",
            _ => "service",
        }
    }
}

/// The times a fetch covers: from `start` to `end`, one point each `step`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub step: Duration,
}

/// One point of a series: unix milliseconds (a watch may step faster than a second under
/// `todo serve`) and a value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub at_ms: i64,
    pub value: f64,
}

/// The points of one series for each component, oldest first. Components are the platform's
/// names (`task-api`, `kafka`), whatever label they came from.
pub type Samples = BTreeMap<String, Vec<Point>>;

/// A source of the platform's figures.
#[async_trait]
pub trait MetricSource: Send + Sync + std::fmt::Debug {
    /// The points of `series` within `window`, per component. Points that are not numbers (a
    /// ratio of nothing) are left out.
    ///
    /// # Errors
    /// The source cannot be reached, refuses the query or answers something unreadable.
    async fn fetch(&self, series: Series, window: Window) -> crate::Result<Samples>;
}

/// The platform's name of the component a result series is about, from the value of its
/// [`Series::component_label`]; `None` for what the platform has no name for (a pod of another
/// namespace's workload).
pub(crate) fn component_of(series: Series, label_value: &str) -> Option<String> {
    if label_value.is_empty() {
        return None;
    }
    if series.component_label() != "pod" {
        return Some(label_value.to_owned());
    }
    let labels = todo_aiops::correlation::LabelSet::from([("pod".to_owned(), label_value.to_owned())]);
    let component = todo_aiops::correlation::alert_component(&labels);
    (component != "unknown").then_some(component)
}

/// Adds `point` to `component`'s points, keeping the larger value when two result series of one
/// component (two pods) have a point at the same time.
pub(crate) fn merge_point(samples: &mut Samples, component: String, point: Point) {
    let points = samples.entry(component).or_default();
    match points.iter_mut().find(|p| p.at_ms == point.at_ms) {
        Some(existing) => existing.value = existing.value.max(point.value),
        None => points.push(point),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pods_are_named_after_their_function_and_foreign_pods_are_left_out() {
        assert_eq!(
            component_of(Series::RssBytes, "task-api-00001-deployment-7d9f-abcde").as_deref(),
            Some("task-api")
        );
        assert_eq!(
            component_of(Series::RssBytes, "todo-kafka-kafka-0").as_deref(),
            Some("kafka")
        );
        assert_eq!(component_of(Series::RssBytes, "coredns-5d78c9869d-x2x9q"), None);
        assert_eq!(
            component_of(Series::ConsumerLag, "analytics").as_deref(),
            Some("analytics")
        );
    }

    #[test]
    fn two_pods_at_one_time_keep_the_larger_value() {
        let mut samples = Samples::new();
        merge_point(
            &mut samples,
            "task-api".into(),
            Point {
                at_ms: 60_000,
                value: 10.0,
            },
        );
        merge_point(
            &mut samples,
            "task-api".into(),
            Point {
                at_ms: 60_000,
                value: 30.0,
            },
        );
        merge_point(
            &mut samples,
            "task-api".into(),
            Point {
                at_ms: 120_000,
                value: 5.0,
            },
        );
        assert_eq!(
            samples["task-api"],
            [
                Point {
                    at_ms: 60_000,
                    value: 30.0
                },
                Point {
                    at_ms: 120_000,
                    value: 5.0
                }
            ]
        );
    }
}
