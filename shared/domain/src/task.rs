//! The task as stored and as the API shows it, and its history records.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Priority, Status};

/// A task, owned by exactly one user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Task {
    /// Unique across all users; never reused.
    pub id: i64,
    /// The user id (`sub` of the token) that owns the task.
    pub owner_id: String,
    /// 1 to 200 characters, trimmed.
    pub title: String,
    /// Up to 4,000 characters; absent when empty.
    pub description: Option<String>,
    /// Defaults to medium.
    pub priority: Priority,
    /// Lower case, unique, at most 20.
    pub tags: Vec<String>,
    /// When the task is due, in UTC.
    pub due_at: Option<DateTime<Utc>>,
    /// Remind this many minutes before `due_at`.
    pub remind_before_minutes: Option<i64>,
    /// An RFC 5545 RRULE subset in canonical form, e.g. `FREQ=WEEKLY;BYDAY=MO`.
    pub recurrence: Option<String>,
    /// Pending or completed.
    pub status: Status,
    /// Set while the task is completed.
    pub completed_at: Option<DateTime<Utc>>,
    /// When the task was created.
    pub created_at: DateTime<Utc>,
    /// When the task last changed.
    pub updated_at: DateTime<Utc>,
    /// Starts at 1, grows by one with every change; the ETag of the task.
    pub version: i64,
    /// Recurring tasks: the id of the series' first task (this task's own id for the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series_id: Option<i64>,
    /// Recurring tasks: the occurrence number in the series, from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurrence: Option<i64>,
}

/// A task's place in a recurring series: the series' first task and the occurrence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeriesPosition {
    /// Id of the series' first task.
    pub series_id: i64,
    /// 1 for the first task, 2 for the next, and so on.
    pub occurrence: i64,
}

impl Task {
    /// True when the task is pending and its due time has passed at `now`.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.status == Status::Pending && self.due_at.is_some_and(|due| due < now)
    }
}

/// One change of a task, as recorded in `task_history`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    /// Position in the history of all tasks; increases with time.
    pub id: i64,
    /// The task that changed.
    pub task_id: i64,
    /// The user who made the change.
    pub actor_id: String,
    /// What kind of change this was.
    pub action: String,
    /// For each changed field, its old and new value: `{"title": {"old": "a", "new": "b"}}`.
    #[schema(value_type = Object)]
    pub changes: serde_json::Value,
    /// The task's version after the change.
    pub version: i64,
    /// When the change was made.
    pub at: DateTime<Utc>,
}
