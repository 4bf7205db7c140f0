//! What recording an attempt writes, computed once from its result for both engines, and how a
//! delivery's correlation id is chosen.

use chrono::{DateTime, Utc};
use todo_events::DomainEvent;

use crate::model::AttemptResult;

/// How a delivery's correlation id is chosen: the triggering event's, or its id when it had none
/// (so every notification can be tied back to what caused it).
pub(crate) fn correlation_of(event: &DomainEvent) -> String {
    event
        .metadata
        .correlation_id
        .clone()
        .unwrap_or_else(|| event.id.to_string())
}

/// The columns an attempt writes, computed once for both databases.
pub(crate) struct AttemptColumns {
    pub(crate) status: &'static str,
    pub(crate) attempts_added: i32,
    pub(crate) status_code: Option<i32>,
    pub(crate) error: Option<String>,
    pub(crate) next_attempt_at: Option<DateTime<Utc>>,
    pub(crate) completed: bool,
    pub(crate) disable: Option<String>,
}

impl AttemptColumns {
    pub(crate) fn of(result: &AttemptResult) -> Self {
        match result {
            AttemptResult::Sent { status_code } => Self {
                status: "sent",
                attempts_added: 1,
                status_code: Some(i32::from(*status_code)),
                error: None,
                next_attempt_at: None,
                completed: true,
                disable: None,
            },
            AttemptResult::Retry {
                status_code,
                error,
                next_attempt_at,
            } => Self {
                status: "pending",
                attempts_added: 1,
                status_code: status_code.map(i32::from),
                error: Some(error.clone()),
                next_attempt_at: Some(*next_attempt_at),
                completed: false,
                disable: None,
            },
            AttemptResult::Failed {
                status_code,
                error,
                attempted,
                disable,
            } => Self {
                status: "failed",
                attempts_added: i32::from(*attempted),
                status_code: status_code.map(i32::from),
                error: Some(error.clone()),
                next_attempt_at: None,
                completed: true,
                disable: disable.clone(),
            },
        }
    }
}
