//! What the scheduler asks of the task database: which pending tasks are owed an announcement
//! (due soon, overdue, reminder) at a given time, and recording one together with its events.
//!
//! An announcement is made once per task, kind and due time: the mark and the outbox rows commit
//! together, and the mark's key refuses a second one, so two schedulers racing over the same task
//! publish one event. Changing a task's due time re-arms every kind for the new time.

use chrono::{DateTime, TimeDelta, Utc};

/// How far ahead of its due time a task is announced as due soon.
pub const DUE_SOON_WINDOW: TimeDelta = TimeDelta::hours(24);

/// An announcement the scheduler makes about a task's due time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DueKind {
    /// Within [`DUE_SOON_WINDOW`] of due, and not yet due.
    DueSoon,
    /// Past due and still pending.
    Overdue,
    /// `remind_before_minutes` before due, and not yet due.
    Reminder,
}

impl DueKind {
    /// Every kind, in the order a tick handles them.
    pub const ALL: [DueKind; 3] = [DueKind::Overdue, DueKind::DueSoon, DueKind::Reminder];

    /// The name stored in `task_due_marks.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            DueKind::DueSoon => "due_soon",
            DueKind::Overdue => "overdue",
            DueKind::Reminder => "reminder",
        }
    }
}

/// A pending task owed an announcement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueTask {
    /// The task.
    pub task_id: i64,
    /// Its owner, who the announcement is for.
    pub owner_id: String,
    /// Its title.
    pub title: String,
    /// The due time being announced.
    pub due_at: DateTime<Utc>,
    /// The reminder offset, for reminders.
    pub remind_before_minutes: Option<i64>,
}
