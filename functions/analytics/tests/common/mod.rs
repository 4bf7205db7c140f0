//! Event histories for the tests: builders for each event the read model reads, and one known
//! history (`history()`) whose numbers every suite checks, in order, shuffled, twice, or replayed.
//!
//! The history is of March 2026 (2026-03-02 is a Monday). Alice has seven tasks, chats, and
//! notifications; Bob has one task and a few events of his own that must never show in Alice's
//! numbers.

#![allow(dead_code, unreachable_pub)]

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use todo_events::{
    DomainEvent, EventMetadata, EventPayload, IntentFailed, IntentRecognized, NotificationFailed, NotificationSent,
    SessionCreated, SessionMessageReceived, TaskCompleted, TaskCreated, TaskDeleted, TaskDueSoon, TaskUpdated,
};

pub const ALICE: &str = "alice";
pub const BOB: &str = "bob";

/// A UTC time in March 2026: `at("02T09:00")` is 2026-03-02 09:00.
pub fn at(day_time: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("2026-03-{day_time}:00Z"))
        .unwrap_or_else(|e| panic!("bad test time {day_time}: {e}"))
        .with_timezone(&Utc)
}

fn event(user: Option<&str>, time: DateTime<Utc>, payload: impl Into<EventPayload>) -> DomainEvent {
    let metadata = EventMetadata {
        user_id: user.map(str::to_owned),
        ..EventMetadata::default()
    };
    DomainEvent::new("/functions/test", time, metadata, payload.into())
}

pub fn created(
    user: &str,
    task_id: i64,
    time: &str,
    priority: &str,
    tags: &[&str],
    due: Option<DateTime<Utc>>,
) -> DomainEvent {
    event(
        Some(user),
        at(time),
        TaskCreated {
            task_id,
            title: format!("task {task_id}"),
            description: None,
            priority: priority.into(),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            due_at: due,
            recurrence: None,
        },
    )
}

pub fn completed(user: &str, task_id: i64, time: &str, time_to_complete: i64) -> DomainEvent {
    event(
        Some(user),
        at(time),
        TaskCompleted {
            task_id,
            completion_time: at(time),
            time_to_complete,
        },
    )
}

fn object(value: Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}

/// A `task.updated` as task-api writes it: changed fields with old and new values.
pub fn updated(user: &str, task_id: i64, time: &str, old: Value, new: Value) -> DomainEvent {
    let new = object(new);
    event(
        Some(user),
        at(time),
        TaskUpdated {
            task_id,
            changed_fields: new.keys().cloned().collect(),
            old_values: object(old),
            new_values: new,
        },
    )
}

/// Reopening a task that was completed at `completed_time`.
pub fn reopened(user: &str, task_id: i64, time: &str, completed_time: &str) -> DomainEvent {
    updated(
        user,
        task_id,
        time,
        json!({ "status": "completed", "completed_at": at(completed_time) }),
        json!({ "status": "pending", "completed_at": null }),
    )
}

pub fn deleted(user: &str, task_id: i64, time: &str) -> DomainEvent {
    event(
        Some(user),
        at(time),
        TaskDeleted {
            task_id,
            deletion_reason: None,
        },
    )
}

pub fn session(user: &str, time: &str) -> DomainEvent {
    let id = format!("s-{user}-{time}");
    event(
        Some(user),
        at(time),
        SessionCreated {
            session_id: id,
            user_id: user.into(),
            client_info: json!({}),
        },
    )
}

pub fn message(user: &str, time: &str) -> DomainEvent {
    event(
        Some(user),
        at(time),
        SessionMessageReceived {
            session_id: format!("s-{user}"),
            message: "hello".into(),
            timestamp: at(time),
        },
    )
}

pub fn intent(user: &str, time: &str, name: &str) -> DomainEvent {
    event(
        Some(user),
        at(time),
        IntentRecognized {
            session_id: format!("s-{user}"),
            intent: name.into(),
            confidence: 0.9,
            parameters: json!({}),
        },
    )
}

pub fn intent_failed(user: &str, time: &str) -> DomainEvent {
    event(
        Some(user),
        at(time),
        IntentFailed {
            session_id: format!("s-{user}"),
            message: "hmm".into(),
            confidence: 0.2,
        },
    )
}

pub fn sent(user: &str, time: &str) -> DomainEvent {
    event(
        Some(user),
        at(time),
        NotificationSent {
            notification_id: format!("n-{time}"),
            r#type: "webhook".into(),
            recipient: "https://example.invalid/hook".into(),
            status: "delivered".into(),
        },
    )
}

pub fn undelivered(user: &str, time: &str) -> DomainEvent {
    event(
        Some(user),
        at(time),
        NotificationFailed {
            notification_id: format!("n-{time}"),
            error: "HTTP 500".into(),
            retry_count: 1,
        },
    )
}

/// A task event that names no user: skipped.
pub fn anonymous(task_id: i64, time: &str) -> DomainEvent {
    event(
        None,
        at(time),
        TaskCreated {
            task_id,
            title: "nobody's".into(),
            description: None,
            priority: "low".into(),
            tags: vec![],
            due_at: None,
            recurrence: None,
        },
    )
}

/// A scheduler event the model ignores (overdue is computed from the facts): skipped.
pub fn due_soon(user: &str, task_id: i64, time: &str) -> DomainEvent {
    event(
        Some(user),
        at(time),
        TaskDueSoon {
            task_id,
            due_at: at(time),
            hours_remaining: 1.0,
        },
    )
}

/// The known history, in the order it happened.
pub fn history() -> Vec<DomainEvent> {
    let far = DateTime::parse_from_rfc3339("2099-01-01T00:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .ok();
    vec![
        // Task 1: created and completed within the hour.
        created(ALICE, 1, "02T09:00", "high", &["work"], Some(at("05T12:00"))),
        session(ALICE, "02T09:30"),
        message(ALICE, "02T09:31"),
        intent(ALICE, "02T09:31", "create_task"),
        completed(ALICE, 1, "02T10:00", 3600),
        // Task 2: open, no due date.
        created(ALICE, 2, "02T11:00", "low", &["home"], None),
        message(ALICE, "02T11:01"),
        intent(ALICE, "02T11:01", "create_task"),
        message(ALICE, "02T11:05"),
        sent(ALICE, "02T12:00"),
        // Task 3: open and overdue since March 4.
        created(ALICE, 3, "03T08:00", "medium", &["work", "home"], Some(at("04T00:00"))),
        // Task 4: completed, reopened, completed again; only the second completion stands.
        created(ALICE, 4, "03T09:00", "urgent", &[], None),
        completed(ALICE, 4, "03T09:30", 1800),
        reopened(ALICE, 4, "03T10:00", "03T09:30"),
        sent(ALICE, "03T11:00"),
        undelivered(ALICE, "03T11:05"),
        session(ALICE, "04T08:00"),
        message(ALICE, "04T08:01"),
        intent(ALICE, "04T08:01", "create_task"),
        message(ALICE, "04T08:05"),
        intent(ALICE, "04T08:05", "list_tasks"),
        intent_failed(ALICE, "04T08:06"),
        completed(ALICE, 4, "04T09:00", 86_400),
        // Task 5: completed, then deleted: the completion stays.
        created(ALICE, 5, "04T10:00", "medium", &["work"], None),
        completed(ALICE, 5, "04T12:00", 7200),
        // Task 6: deleted while open.
        created(ALICE, 6, "04T13:00", "low", &["x"], None),
        deleted(ALICE, 6, "04T14:00"),
        sent(ALICE, "04T15:00"),
        deleted(ALICE, 5, "05T08:00"),
        // Task 7: raised to urgent and retagged, due far ahead.
        created(ALICE, 7, "05T09:00", "medium", &["work"], None),
        updated(
            ALICE,
            7,
            "05T10:00",
            json!({ "priority": "medium", "tags": ["work"], "due_at": null, "title": "task 7" }),
            json!({ "priority": "urgent", "tags": ["errand"], "due_at": far, "title": "Task seven" }),
        ),
        due_soon(ALICE, 7, "05T11:00"),
        anonymous(50, "05T12:00"),
        // Bob.
        created(BOB, 100, "03T12:00", "high", &["work"], Some(at("03T13:00"))),
        session(BOB, "03T12:05"),
        intent_failed(BOB, "03T12:06"),
        intent_failed(BOB, "03T12:07"),
        undelivered(BOB, "03T12:08"),
    ]
}

/// Events of [`history`] that change the model (the rest are skipped).
pub const APPLIED: usize = 36;
/// Events of [`history`] that are skipped: the due-soon and the anonymous event.
pub const SKIPPED: usize = 2;
