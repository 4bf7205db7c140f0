//! Data of the operations events: what the aiops function finds in the platform's metrics and
//! alerts (an anomaly on one series, incidents opened and resolved).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `anomaly.detected`: a point of a metric series scored at or above the anomaly threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnomalyDetected {
    /// The component the series belongs to, e.g. `task-api` or `kafka`.
    pub component: String,
    /// The series, e.g. `request_rate` or `p99_latency_seconds`.
    pub series: String,
    /// When the point was measured.
    pub at: DateTime<Utc>,
    /// The point's value, in the series' unit.
    pub value: f64,
    /// The detector's score, 0 to 1.
    pub score: f64,
}

/// `incident.opened`: signals on related components were grouped into a new incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentOpened {
    /// Id of the incident, e.g. `inc-1773489603-postgresql`.
    pub incident_id: String,
    /// When its first signal started.
    pub opened_at: DateTime<Utc>,
    /// The component most probably at fault.
    pub root_cause: String,
    /// How sure the root cause is, 0 to 1.
    pub confidence: f64,
    /// Every affected component.
    pub components: Vec<String>,
    /// One line for people.
    pub summary: String,
}

/// `incident.resolved`: every signal of an incident ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentResolved {
    /// Id of the incident.
    pub incident_id: String,
    /// When its first signal started.
    pub opened_at: DateTime<Utc>,
    /// When its last signal ended.
    pub resolved_at: DateTime<Utc>,
    /// The component named as the root cause when it resolved.
    pub root_cause: String,
}
