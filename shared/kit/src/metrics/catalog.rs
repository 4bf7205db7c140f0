//! Every metric our code exports, as data: the registry is built from these specs, and the
//! observability tests check dashboards and alert rules against the same list, so a renamed
//! metric cannot silently leave a dashboard blank.

/// What kind of series a metric is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricKind {
    /// Only goes up (`_total`).
    Counter,
    /// Goes up and down.
    Gauge,
    /// Observations in buckets (`_bucket`, `_sum`, `_count`).
    Histogram,
}

/// One metric family: its name, help text, kind and label names.
#[derive(Debug, Clone, Copy)]
pub struct MetricSpec {
    /// The family name as scraped.
    pub name: &'static str,
    /// The `# HELP` line.
    pub help: &'static str,
    /// Counter, gauge or histogram.
    pub kind: MetricKind,
    /// Label names, in the order call sites pass values.
    pub labels: &'static [&'static str],
}

const fn spec(name: &'static str, kind: MetricKind, labels: &'static [&'static str], help: &'static str) -> MetricSpec {
    MetricSpec {
        name,
        help,
        kind,
        labels,
    }
}

use MetricKind::{Counter, Gauge, Histogram};

/// Requests answered, by route template (never a raw path) and status code.
pub const HTTP_REQUESTS: MetricSpec = spec(
    "http_requests_total",
    Counter,
    &["service", "endpoint", "method", "status"],
    "HTTP requests answered, by route template and status code.",
);
/// Request latency by route template.
pub const HTTP_REQUEST_DURATION: MetricSpec = spec(
    "http_request_duration_seconds",
    Histogram,
    &["service", "endpoint", "method"],
    "Time from request received to response headers sent.",
);
/// Requests being served right now.
pub const HTTP_REQUESTS_IN_FLIGHT: MetricSpec = spec(
    "http_requests_in_flight",
    Gauge,
    &["service"],
    "HTTP requests currently being served.",
);
/// Task changes that committed, by kind.
pub const TASK_OPERATIONS: MetricSpec = spec(
    "task_operations_total",
    Counter,
    &["service", "operation"],
    "Task changes committed: create, update, complete, reopen, delete.",
);
/// Conversations alive now.
pub const ACTIVE_SESSIONS: MetricSpec = spec(
    "active_sessions_count",
    Gauge,
    &["service"],
    "Chat sessions that have not expired.",
);
/// Model calls, by model and outcome.
pub const AI_REQUESTS: MetricSpec = spec(
    "ai_requests_total",
    Counter,
    &["service", "model", "status"],
    "Requests to a language model or the rules engine, by model and outcome.",
);
/// Model call latency.
pub const AI_REQUEST_DURATION: MetricSpec = spec(
    "ai_request_duration_seconds",
    Histogram,
    &["service", "model"],
    "Time a model (or the rules engine) took to answer.",
);
/// Events the broker acknowledged.
pub const EVENTS_PUBLISHED: MetricSpec = spec(
    "events_published_total",
    Counter,
    &["service", "topic", "type"],
    "Events the bus acknowledged, by topic and CloudEvent type.",
);
/// Publishes that failed and will be retried.
pub const EVENT_PUBLISH_FAILURES: MetricSpec = spec(
    "event_publish_failures_total",
    Counter,
    &["service", "topic"],
    "Publishes the bus refused or did not acknowledge; the rows stay pending and are retried.",
);
/// Handler runs by outcome.
pub const EVENTS_CONSUMED: MetricSpec = spec(
    "events_consumed_total",
    Counter,
    &["service", "consumer", "type", "outcome"],
    "Events a consumer handled, by outcome: processed, duplicate, retried, poison, dead_lettered.",
);
/// Handler latency.
pub const EVENT_HANDLER_DURATION: MetricSpec = spec(
    "event_handler_duration_seconds",
    Histogram,
    &["service", "consumer", "type"],
    "Time one handler run took.",
);
/// Events given up on.
pub const EVENTS_DEAD_LETTERED: MetricSpec = spec(
    "events_dead_lettered_total",
    Counter,
    &["service", "consumer", "topic"],
    "Events moved to the dead-letter topic after poison or exhausted retries.",
);
/// Outbox rows not yet on the bus.
pub const OUTBOX_PENDING: MetricSpec = spec(
    "outbox_pending",
    Gauge,
    &["service"],
    "Outbox rows written but not yet acknowledged by the bus.",
);
/// Age of the oldest unpublished row.
pub const OUTBOX_OLDEST_PENDING: MetricSpec = spec(
    "outbox_oldest_pending_seconds",
    Gauge,
    &["service"],
    "Age of the oldest outbox row not yet published (0 when none).",
);
/// Row written to broker acknowledged.
pub const OUTBOX_PUBLISH_LAG: MetricSpec = spec(
    "outbox_publish_lag_seconds",
    Histogram,
    &["service"],
    "Time from an outbox row's commit to the bus acknowledging its event.",
);
/// Messages a consumer group has still to read.
pub const KAFKA_CONSUMER_LAG: MetricSpec = spec(
    "kafka_consumer_lag",
    Gauge,
    &["service", "topic", "consumer_group"],
    "Messages between a consumer group's committed offset and the end of the topic, summed over partitions.",
);

/// Events written to the archive, by topic (issue 16's archiver).
pub const ARCHIVED_EVENTS: MetricSpec = spec(
    "archived_events_total",
    Counter,
    &["service", "topic"],
    "Events written to the event archive, once each.",
);
/// How far the archive is behind: the age of the oldest event read but not yet archived.
pub const ARCHIVE_LAG: MetricSpec = spec(
    "archive_lag_seconds",
    Gauge,
    &["service", "topic"],
    "Age of the oldest event the archiver holds but has not yet written (0 when it holds none).",
);
/// When the last backup completed.
pub const BACKUP_LAST_SUCCESS: MetricSpec = spec(
    "backup_last_success_timestamp_seconds",
    Gauge,
    &["service"],
    "Unix time at which the last database backup was completely written.",
);

/// Anomalies the aiops function's detectors found, by component and series (both from small
/// fixed sets: the platform's components and the series it watches).
pub const AIOPS_ANOMALIES_DETECTED: MetricSpec = spec(
    "aiops_anomalies_detected_total",
    Counter,
    &["service", "component", "series"],
    "Points the aiops detectors scored at or above the anomaly threshold.",
);
/// Incidents open now.
pub const AIOPS_INCIDENTS_OPEN: MetricSpec = spec(
    "aiops_incidents_open",
    Gauge,
    &["service"],
    "Incidents the aiops correlator holds open.",
);
/// One watch run.
pub const AIOPS_WATCH_DURATION: MetricSpec = spec(
    "aiops_watch_duration_seconds",
    Histogram,
    &["service"],
    "Time one aiops watch run took: fetching every series, scoring and correlating.",
);
/// Series a watch run could not fetch.
pub const AIOPS_WATCH_ERRORS: MetricSpec = spec(
    "aiops_watch_errors_total",
    Counter,
    &["service", "series"],
    "Series an aiops watch run could not fetch from its metric source; the next run tries again.",
);

/// Requests refused by a rate limit, by the budget that refused them.
pub const HTTP_RATE_LIMITED: MetricSpec = spec(
    "http_requests_rate_limited_total",
    Counter,
    &["scope"],
    "Requests answered 429 because a budget ran out: scope ip (per client address), user (per user) or expensive (per user, on the costly routes).",
);

/// Audit records that stayed in the log only.
pub const AUDIT_RECORDS_DROPPED: MetricSpec = spec(
    "audit_records_dropped_total",
    Counter,
    &["reason"],
    "Audit records not published as audit.recorded (they are in the log): reason queue_full (more than 10,000 waiting) or bus_error (the bus refused them five times).",
);

/// Every family our code registers.
pub const CATALOG: &[MetricSpec] = &[
    HTTP_REQUESTS,
    HTTP_REQUEST_DURATION,
    HTTP_REQUESTS_IN_FLIGHT,
    TASK_OPERATIONS,
    ACTIVE_SESSIONS,
    AI_REQUESTS,
    AI_REQUEST_DURATION,
    EVENTS_PUBLISHED,
    EVENT_PUBLISH_FAILURES,
    EVENTS_CONSUMED,
    EVENT_HANDLER_DURATION,
    EVENTS_DEAD_LETTERED,
    OUTBOX_PENDING,
    OUTBOX_OLDEST_PENDING,
    OUTBOX_PUBLISH_LAG,
    KAFKA_CONSUMER_LAG,
    ARCHIVED_EVENTS,
    ARCHIVE_LAG,
    BACKUP_LAST_SUCCESS,
    AIOPS_ANOMALIES_DETECTED,
    AIOPS_INCIDENTS_OPEN,
    AIOPS_WATCH_DURATION,
    AIOPS_WATCH_ERRORS,
    HTTP_RATE_LIMITED,
    AUDIT_RECORDS_DROPPED,
];

/// The process collector's families (Linux), exported by every function.
pub const PROCESS_METRICS: &[&str] = &[
    "process_cpu_seconds_total",
    "process_resident_memory_bytes",
    "process_virtual_memory_bytes",
    "process_open_fds",
    "process_max_fds",
    "process_start_time_seconds",
    "process_threads",
];

/// Buckets for request and handler latencies: 1 ms to 10 s.
pub(crate) const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Buckets for model calls and publish lag, which run longer: 5 ms to 60 s.
pub(crate) const SLOW_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];
