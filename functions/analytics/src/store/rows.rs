//! The rows the read model reads back, generic over how the engine stores a time (`T`).

use chrono::{DateTime, Utc};

use crate::audit::AuditEntry;
use crate::facts::TaskFacts;
use crate::{Error, Result};

/// A task's facts as stored.
#[derive(sqlx::FromRow)]
pub(super) struct FactsRow<T> {
    created_at: Option<T>,
    priority: Option<String>,
    priority_at: Option<T>,
    tags: Option<String>,
    tags_at: Option<T>,
    due_at: Option<T>,
    due_changed_at: Option<T>,
    status: Option<String>,
    completed_at: Option<T>,
    status_at: Option<T>,
    deleted_at: Option<T>,
}

impl<T> FactsRow<T> {
    /// The facts the row holds, its times read with `time`.
    ///
    /// # Errors
    /// `Corrupt` for a time, tag list or status that cannot be read.
    pub(super) fn facts(self, time: impl Fn(T) -> Result<DateTime<Utc>>) -> Result<TaskFacts> {
        let time = |stored: Option<T>| stored.map(&time).transpose();
        Ok(TaskFacts {
            created_at: time(self.created_at)?,
            priority: self.priority,
            priority_at: time(self.priority_at)?,
            tags: TaskFacts::parse_tags(self.tags.as_deref()).map_err(Error::Corrupt)?,
            tags_at: time(self.tags_at)?,
            due_at: time(self.due_at)?,
            due_changed_at: time(self.due_changed_at)?,
            status: TaskFacts::parse_status(self.status.as_deref()).map_err(Error::Corrupt)?,
            completed_at: time(self.completed_at)?,
            status_at: time(self.status_at)?,
            deleted_at: time(self.deleted_at)?,
        })
    }
}

/// An entry of the audit trail as stored.
#[derive(sqlx::FromRow)]
pub(super) struct AuditRow<T> {
    id: String,
    at: T,
    actor: String,
    event: String,
    service: String,
    method: String,
    route: String,
    resource_id: Option<String>,
    outcome: String,
    status: i32,
    trace_id: Option<String>,
    request_id: Option<String>,
    client: Option<String>,
}

impl<T> AuditRow<T> {
    /// The entry the row holds, its time read with `time`.
    ///
    /// # Errors
    /// `Corrupt` for a time that cannot be read.
    pub(super) fn entry(self, time: impl Fn(T) -> Result<DateTime<Utc>>) -> Result<AuditEntry> {
        Ok(AuditEntry {
            id: self.id,
            at: time(self.at)?,
            actor: self.actor,
            event: self.event,
            service: self.service,
            method: self.method,
            route: self.route,
            resource_id: self.resource_id,
            outcome: self.outcome,
            status: self.status,
            trace_id: self.trace_id,
            request_id: self.request_id,
            client: self.client,
        })
    }
}
