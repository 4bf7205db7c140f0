//! The read model's contract: how events get in ([`ReadModel::handler`]) and the raw numbers the
//! reports are computed from. PostgreSQL ([`crate::store::PostgresReadModel`]) and SQLite
//! ([`crate::store::SqliteReadModel`]) implement it and pass one conformance suite
//! (`tests/conformance`). Every query takes the caller's user id: nothing crosses users.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use todo_kit::handler::EventHandler;

use crate::Result;
use crate::change::Counter;
use crate::range::{DayRange, TimeRange};

/// The consumer name: the consumer group on the bus and the `consumer` of idempotency keys.
pub const CONSUMER: &str = "analytics";

/// Task numbers of one user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskTotals {
    /// Tasks created in the range.
    pub created: i64,
    /// Of those, the ones completed now.
    pub created_and_completed: i64,
    /// Tasks deleted in the range.
    pub deleted: i64,
    /// Tasks pending and not deleted, now.
    pub open: i64,
    /// Open tasks whose due time has passed.
    pub overdue: i64,
    /// Open tasks by priority.
    pub by_priority: Vec<(String, i64)>,
    /// Open tasks by tag (a task counts once under each of its tags).
    pub by_tag: Vec<(String, i64)>,
}

/// The sum of one per-day counter over a range, e.g. `intent_recognized` / `create_task`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterTotal {
    /// The counter: `sessions`, `messages`, `intent_recognized`, `intent_failed`,
    /// `notification_sent` or `notification_failed`.
    pub metric: String,
    /// The split: the intent of `intent_recognized`, the type of `notification_sent`, else empty.
    pub key: String,
    /// The sum.
    pub count: i64,
}

/// A metric a trend can follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// `task.created` by creation day.
    TasksCreated,
    /// Completions that were not taken back by a reopen, by completion day.
    TasksCompleted,
    /// `task.deleted` by deletion day.
    TasksDeleted,
    /// `session.created`.
    Sessions,
    /// `session.message_received`.
    Messages,
    /// `intent.recognized`.
    IntentsRecognized,
    /// `intent.failed`.
    IntentsFailed,
    /// `notification.sent`.
    NotificationsSent,
    /// `notification.failed`.
    NotificationsFailed,
}

impl Metric {
    /// Every metric, in the order the API lists them.
    pub const ALL: [Metric; 9] = [
        Self::TasksCreated,
        Self::TasksCompleted,
        Self::TasksDeleted,
        Self::Sessions,
        Self::Messages,
        Self::IntentsRecognized,
        Self::IntentsFailed,
        Self::NotificationsSent,
        Self::NotificationsFailed,
    ];

    /// The name the API uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TasksCreated => "tasks_created",
            Self::TasksCompleted => "tasks_completed",
            Self::TasksDeleted => "tasks_deleted",
            Self::Sessions => "sessions",
            Self::Messages => "messages",
            Self::IntentsRecognized => "intents_recognized",
            Self::IntentsFailed => "intents_failed",
            Self::NotificationsSent => "notifications_sent",
            Self::NotificationsFailed => "notifications_failed",
        }
    }

    /// The metric an API name names.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// The per-day counter behind a metric of the non-task events (`None` for task metrics).
    pub(crate) fn counter(self) -> Option<Counter> {
        match self {
            Self::TasksCreated | Self::TasksCompleted | Self::TasksDeleted => None,
            Self::Sessions => Some(Counter::Sessions),
            Self::Messages => Some(Counter::Messages),
            Self::IntentsRecognized => Some(Counter::IntentRecognized),
            Self::IntentsFailed => Some(Counter::IntentFailed),
            Self::NotificationsSent => Some(Counter::NotificationSent),
            Self::NotificationsFailed => Some(Counter::NotificationFailed),
        }
    }
}

/// A store of the analytics read model.
#[async_trait]
pub trait ReadModel: Send + Sync + std::fmt::Debug {
    /// The idempotent event handler that keeps this model (consumer [`CONSUMER`]).
    fn handler(&self) -> Arc<dyn EventHandler>;

    /// Task numbers of `user_id`: created, completed-of-created and deleted within `range`;
    /// open and overdue (due before `now`) at present.
    async fn task_totals(&self, user_id: &str, range: &TimeRange, now: DateTime<Utc>) -> Result<TaskTotals>;

    /// Seconds from creation to completion of every completion in `range` that still stands.
    async fn completion_times(&self, user_id: &str, range: &TimeRange) -> Result<Vec<i64>>;

    /// Every per-day counter of `user_id` summed over `days`.
    async fn counters(&self, user_id: &str, days: &DayRange) -> Result<Vec<CounterTotal>>;

    /// `metric` per UTC day of `days`; days without any are left out.
    async fn daily(&self, user_id: &str, metric: Metric, days: &DayRange) -> Result<Vec<(NaiveDate, i64)>>;

    /// A page of the audit trail, newest first.
    async fn audit(&self, query: &crate::audit::AuditQuery) -> Result<Vec<crate::audit::AuditEntry>>;

    /// Empties the read model (the audit trail stays) and forgets which events consumer [`CONSUMER`] processed, in one
    /// transaction, so that a replay of the history rebuilds it.
    async fn reset(&self) -> Result<()>;

    /// Checks that the database answers.
    async fn ping(&self) -> Result<()>;
}
