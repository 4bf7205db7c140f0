//! Data of the operations events: what the aiops function finds in the platform's metrics and
//! alerts (an anomaly on one series, incidents opened and resolved), and what its remediation
//! engine does about them (one [`Remediation`] per change of an action, whatever the change).

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
    /// For a log burst (series `log_burst`): the log template that burst.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
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
    /// Set when the incident was merged into this one rather than ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<String>,
}

/// The data of every `remediation.*` event: one change of one remediation action, as the aiops
/// function's audit trail records it. The event's type says what happened (`remediation.proposed`,
/// `remediation.approved`, `remediation.executed`, ...); the data is the same for all of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Remediation {
    /// Id of the action, e.g. `act-3`.
    pub action_id: String,
    /// The incident it was proposed for.
    pub incident_id: String,
    /// What kind of action: `restart_revision`, `scale_up`, `scale_down`, `pause_consumer`,
    /// `resume_consumer`, `open_circuit` or `close_circuit`.
    pub action: String,
    /// The function it changes.
    pub function: String,
    /// The action in words, e.g. `pause the consumer of notifier on all its topics`.
    pub description: String,
    /// The action's status after the change, e.g. `awaiting_approval` or `succeeded`.
    pub status: String,
    /// Who made the change: `remediation-engine`, `executor` or the person who decided.
    pub actor: String,
    /// Why, or what came of it.
    pub detail: String,
    /// When the change happened.
    pub at: DateTime<Utc>,
}

/// `audit.recorded`: one entry of the audit trail (FR-80): a request that read or changed data,
/// or a refused attempt, as the function that served it saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditRecorded {
    /// The verified user, or `anonymous`.
    pub actor: String,
    /// `request`, or a security event's name (`webhook_secret_shown`, `admin_action`).
    pub event: String,
    /// The function that served it, e.g. `task-api`.
    pub service: String,
    /// The HTTP method.
    pub method: String,
    /// The route template, e.g. `/api/tasks/{id}`.
    pub route: String,
    /// The resource id in the path, e.g. `42`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// `allowed`, `unauthenticated`, `forbidden`, `not_found`, `rate_limited`, `refused` or `failed`.
    pub outcome: String,
    /// The HTTP status answered.
    pub status: u16,
    /// The W3C trace id, when tracing was on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    /// The `x-request-id` of the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The client's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// When it was answered.
    pub at: DateTime<Utc>,
}
