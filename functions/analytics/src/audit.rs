//! The audit trail as the read model keeps it: one [`AuditEntry`] per `audit.recorded` event
//! (by event id, so a redelivery adds nothing), read newest first by actor or, for admins, by
//! anyone ([`AuditQuery`]). A rebuild of the read model keeps the trail: it is not derived from
//! other events, and the topic may no longer hold all of it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use todo_events::AuditRecorded;

/// One entry of the trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    /// The id of its `audit.recorded` event.
    pub id: String,
    /// When the request was answered.
    pub at: DateTime<Utc>,
    /// The verified user, or `anonymous`.
    pub actor: String,
    /// `request`, or a security event's name.
    pub event: String,
    /// The function that served it.
    pub service: String,
    /// The HTTP method.
    pub method: String,
    /// The route template, e.g. `/api/tasks/{id}`.
    pub route: String,
    /// The resource id in the path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// `allowed`, `unauthenticated`, `forbidden`, `not_found`, `rate_limited`, `refused` or `failed`.
    pub outcome: String,
    /// The HTTP status.
    pub status: i32,
    /// The trace id, when tracing was on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    /// The request id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The client's address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
}

impl AuditEntry {
    /// The entry of event `id` carrying `record`.
    pub(crate) fn of(id: &str, record: &AuditRecorded) -> Self {
        Self {
            id: id.to_owned(),
            at: record.at,
            actor: record.actor.clone(),
            event: record.event.clone(),
            service: record.service.clone(),
            method: record.method.clone(),
            route: record.route.clone(),
            resource_id: record.resource_id.clone(),
            outcome: record.outcome.clone(),
            status: i32::from(record.status),
            trace_id: record.trace_id.clone(),
            request_id: record.request_id.clone(),
            client: record.client.clone(),
        }
    }
}

/// Where a page of the trail starts: strictly older than this entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditCursor {
    pub at: DateTime<Utc>,
    pub id: String,
}

/// Which entries, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditQuery {
    /// Only this actor's; `None`: everyone's (admins only).
    pub actor: Option<String>,
    /// Older than this.
    pub before: Option<AuditCursor>,
    /// At most this many.
    pub limit: i64,
}
