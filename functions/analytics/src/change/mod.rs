//! What an event changes in the read model, decided without I/O so that both stores apply exactly
//! the same changes and the rules can be read (and tested) in one place.
//!
//! Task events become a [`TaskChange`]: the fields it sets, stamped with the event time, so a
//! store can merge it into the task's facts in any order (see [`crate::facts`]). The other events
//! become a [`CountChange`]: one more of a metric on the event's UTC day. Events that do not move
//! any number (`task.due_soon`, `task.overdue`, `session.expired`, a title edit) are `None`.

use chrono::{DateTime, NaiveDate, Utc};
use todo_events::{DomainEvent, EventPayload};

mod updated;

/// A task's state as the read model keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Pending,
    Completed,
}

impl Status {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Completed => "completed",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(Self::Pending),
            "completed" => Some(Self::Completed),
            _ => None,
        }
    }
}

/// The priorities of the task domain, in their order.
pub(crate) const PRIORITIES: [&str; 4] = ["low", "medium", "high", "urgent"];

/// A change of a task's status, with the completion time that goes with it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StatusChange {
    pub(crate) status: Status,
    pub(crate) completed_at: Option<DateTime<Utc>>,
}

/// A `task.completed`: one completion, with its duration.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Completion {
    pub(crate) completed_at: DateTime<Utc>,
    pub(crate) time_to_complete: i64,
}

/// What a task event sets. `None` fields are untouched.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TaskChange {
    pub(crate) user_id: String,
    pub(crate) task_id: i64,
    /// The event time: orders the changes of one task, whatever order they arrive in.
    pub(crate) at: DateTime<Utc>,
    pub(crate) created: bool,
    pub(crate) deleted: bool,
    pub(crate) priority: Option<String>,
    pub(crate) tags: Option<Vec<String>>,
    /// `Some(None)` clears the due date.
    pub(crate) due_at: Option<Option<DateTime<Utc>>>,
    pub(crate) status: Option<StatusChange>,
    /// Set by `task.completed`: a completion to record.
    pub(crate) completion: Option<Completion>,
    /// Set by a reopen: the completion (by its time) that it takes back.
    pub(crate) retracts: Option<DateTime<Utc>>,
}

impl TaskChange {
    pub(super) fn new(user_id: String, task_id: i64, at: DateTime<Utc>) -> Self {
        Self {
            user_id,
            task_id,
            at,
            created: false,
            deleted: false,
            priority: None,
            tags: None,
            due_at: None,
            status: None,
            completion: None,
            retracts: None,
        }
    }
}

/// The per-day counters kept for the non-task events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Counter {
    Sessions,
    Messages,
    IntentRecognized,
    IntentFailed,
    NotificationSent,
    NotificationFailed,
}

impl Counter {
    /// The `metric` column's value.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Sessions => "sessions",
            Self::Messages => "messages",
            Self::IntentRecognized => "intent_recognized",
            Self::IntentFailed => "intent_failed",
            Self::NotificationSent => "notification_sent",
            Self::NotificationFailed => "notification_failed",
        }
    }
}

/// One more of `metric` (split by `key`, e.g. the intent name) on `day`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CountChange {
    pub(crate) user_id: String,
    pub(crate) day: NaiveDate,
    pub(crate) metric: Counter,
    pub(crate) key: String,
}

/// What one event does to the read model.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Change {
    Task(TaskChange),
    Count(CountChange),
    /// An entry of the audit trail (its actor is in the data, not in `userid`).
    Audit(crate::audit::AuditEntry),
}

/// The change `event` makes; `Ok(None)` when it moves no number or names no user.
///
/// # Errors
/// The reason when a `task.updated` carries a value of the wrong shape.
pub(crate) fn change_of(event: &DomainEvent) -> Result<Option<Change>, String> {
    if let EventPayload::AuditRecorded(record) = &event.payload {
        return Ok(Some(Change::Audit(crate::audit::AuditEntry::of(
            &event.id.to_string(),
            record,
        ))));
    }
    let Some(user_id) = user_of(event) else {
        return Ok(None);
    };
    let at = event.time;
    let count = |metric, key: &str| {
        Some(Change::Count(CountChange {
            user_id: user_id.clone(),
            day: at.date_naive(),
            metric,
            key: key.to_owned(),
        }))
    };
    Ok(match &event.payload {
        EventPayload::TaskCreated(p) => {
            let mut change = TaskChange::new(user_id.clone(), p.task_id, at);
            change.created = true;
            change.priority = Some(p.priority.clone());
            change.tags = Some(p.tags.clone());
            change.due_at = Some(p.due_at);
            change.status = Some(StatusChange {
                status: Status::Pending,
                completed_at: None,
            });
            Some(Change::Task(change))
        }
        EventPayload::TaskUpdated(p) => updated::change(user_id.clone(), at, p)?.map(Change::Task),
        EventPayload::TaskCompleted(p) => {
            let mut change = TaskChange::new(user_id.clone(), p.task_id, at);
            change.status = Some(StatusChange {
                status: Status::Completed,
                completed_at: Some(p.completion_time),
            });
            change.completion = Some(Completion {
                completed_at: p.completion_time,
                time_to_complete: p.time_to_complete,
            });
            Some(Change::Task(change))
        }
        EventPayload::TaskDeleted(p) => {
            let mut change = TaskChange::new(user_id.clone(), p.task_id, at);
            change.deleted = true;
            Some(Change::Task(change))
        }
        EventPayload::SessionCreated(_) => count(Counter::Sessions, ""),
        EventPayload::SessionMessageReceived(_) => count(Counter::Messages, ""),
        EventPayload::IntentRecognized(p) => count(Counter::IntentRecognized, &p.intent),
        EventPayload::IntentFailed(_) => count(Counter::IntentFailed, ""),
        EventPayload::NotificationSent(p) => count(Counter::NotificationSent, &p.r#type),
        EventPayload::NotificationFailed(_) => count(Counter::NotificationFailed, ""),
        // task.due_soon, task.overdue (overdue is computed from the facts), task.reminder,
        // session.expired, and types added to the catalog later: nothing to count.
        _ => None,
    })
}

/// The user an event belongs to: its `userid`, or the owner a `session.created` names.
fn user_of(event: &DomainEvent) -> Option<String> {
    let from_metadata = event.metadata.user_id.as_deref().filter(|u| !u.is_empty());
    let from_payload = match &event.payload {
        EventPayload::SessionCreated(p) => Some(p.user_id.as_str()).filter(|u| !u.is_empty()),
        _ => None,
    };
    from_metadata.or(from_payload).map(str::to_owned)
}

/// Event builders for the unit tests of this module and its children.
#[cfg(test)]
pub(crate) mod test_support {
    use chrono::Utc;
    use serde_json::Value;
    use todo_events::{DomainEvent, EventMetadata, EventPayload, TaskUpdated};

    pub(crate) fn event(user: Option<&str>, payload: EventPayload) -> DomainEvent {
        let metadata = EventMetadata {
            user_id: user.map(str::to_owned),
            ..EventMetadata::default()
        };
        DomainEvent::new("/test", Utc::now(), metadata, payload)
    }

    pub(crate) fn update(fields: &[&str], old: Value, new: Value) -> EventPayload {
        EventPayload::TaskUpdated(TaskUpdated {
            task_id: 7,
            changed_fields: fields.iter().map(|f| (*f).to_owned()).collect(),
            old_values: old.as_object().cloned().unwrap_or_default(),
            new_values: new.as_object().cloned().unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use todo_events::TaskDueSoon;

    use super::test_support::{event, update};
    use super::*;

    #[test]
    fn edits_of_untracked_fields_and_events_without_a_user_change_nothing() {
        let title = update(&["title"], json!({"title": "a"}), json!({"title": "b"}));
        assert_eq!(change_of(&event(Some("u"), title)), Ok(None));
        let due = EventPayload::TaskDueSoon(TaskDueSoon {
            task_id: 1,
            due_at: Utc::now(),
            hours_remaining: 1.0,
        });
        assert_eq!(change_of(&event(Some("u"), due)), Ok(None));
        let tags = update(&["tags"], json!({"tags": []}), json!({"tags": ["x"]}));
        assert_eq!(change_of(&event(None, tags)), Ok(None));
    }
}
