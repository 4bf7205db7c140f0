//! Data of the `task.*` events: what task-api publishes on every change and the scheduler on due dates.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `task.created`: a task was added.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskCreated {
    /// Id of the new task (>= 1).
    pub task_id: i64,
    /// Title, 1 to 200 characters.
    pub title: String,
    /// Free text, up to 4000 characters.
    pub description: Option<String>,
    /// One of `low`, `medium`, `high`, `urgent`.
    pub priority: String,
    /// Up to 20 tags of 1 to 50 characters each.
    pub tags: Vec<String>,
    /// When the task is due.
    pub due_at: Option<DateTime<Utc>>,
    /// An RFC 5545 RRULE such as `FREQ=WEEKLY;BYDAY=MO`, for recurring tasks.
    pub recurrence: Option<String>,
}

/// `task.updated`: some fields of a task changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskUpdated {
    /// Id of the task.
    pub task_id: i64,
    /// Names of the fields that changed; the keys of `old_values` and `new_values`.
    pub changed_fields: Vec<String>,
    /// Values before the change, by field name.
    pub old_values: Map<String, Value>,
    /// Values after the change, by field name.
    pub new_values: Map<String, Value>,
}

/// `task.deleted`: a task was removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskDeleted {
    /// Id of the task.
    pub task_id: i64,
    /// Why, when the caller said.
    pub deletion_reason: Option<String>,
}

/// `task.completed`: a task was marked done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskCompleted {
    /// Id of the task.
    pub task_id: i64,
    /// When it was completed.
    pub completion_time: DateTime<Utc>,
    /// Seconds from creation to completion (>= 0).
    pub time_to_complete: i64,
}

/// `task.due_soon`: a task's due date is near (published by the scheduler).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskDueSoon {
    /// Id of the task.
    pub task_id: i64,
    /// When the task is due.
    pub due_at: DateTime<Utc>,
    /// Hours left until `due_at` (>= 0).
    pub hours_remaining: f64,
}

/// `task.overdue`: a task's due date has passed and it is not done (published by the scheduler).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskOverdue {
    /// Id of the task.
    pub task_id: i64,
    /// When the task was due.
    pub due_at: DateTime<Utc>,
    /// Whole days since `due_at` (>= 0).
    pub days_overdue: i64,
}

/// `task.reminder`: the reminder a task asked for (`remind_before_minutes` before its due time) is
/// due (published by the scheduler, delivered to users by the notifier). Not in the seed's catalog:
/// the seed's reminders had no event of their own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskReminder {
    /// Id of the task.
    pub task_id: i64,
    /// The task's title, so that a notification can say what it is about.
    pub title: String,
    /// When the task is due.
    pub due_at: DateTime<Utc>,
    /// How many minutes before `due_at` the reminder was asked for.
    pub remind_before_minutes: i64,
}
