//! Turning database rows into domain values and back, shared by both stores once each has
//! decoded its own column types.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::{Error, Result};
use todo_domain::{HistoryEntry, Priority, Status, Task};

/// Tags as the JSON array text the statements bind (SQLite stores it as it is; PostgreSQL's
/// batch of creates unpacks it into its array column).
pub(crate) fn tags_json(tags: &[String]) -> String {
    Value::from(tags).to_string()
}

/// A task row with database-neutral types.
pub(crate) struct TaskParts {
    pub(crate) id: i64,
    pub(crate) owner_id: String,
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    pub(crate) priority: i64,
    pub(crate) tags: Vec<String>,
    pub(crate) due_at: Option<DateTime<Utc>>,
    pub(crate) remind_before_minutes: Option<i64>,
    pub(crate) recurrence: Option<String>,
    pub(crate) status: String,
    pub(crate) completed_at: Option<DateTime<Utc>>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    pub(crate) version: i64,
    pub(crate) series_id: Option<i64>,
    pub(crate) occurrence: Option<i64>,
}

impl TryFrom<TaskParts> for Task {
    type Error = Error;

    fn try_from(row: TaskParts) -> Result<Self> {
        let priority = Priority::from_rank(row.priority)
            .ok_or_else(|| Error::Corrupt(format!("task {} has priority rank {}", row.id, row.priority)))?;
        let status = Status::parse(&row.status)
            .ok_or_else(|| Error::Corrupt(format!("task {} has status '{}'", row.id, row.status)))?;
        Ok(Task {
            id: row.id,
            owner_id: row.owner_id,
            title: row.title,
            description: row.description,
            priority,
            tags: row.tags,
            due_at: row.due_at,
            remind_before_minutes: row.remind_before_minutes,
            recurrence: row.recurrence,
            status,
            completed_at: row.completed_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
            series_id: row.series_id,
            occurrence: row.occurrence,
        })
    }
}

/// A history row with database-neutral types.
pub(crate) struct HistoryParts {
    pub(crate) id: i64,
    pub(crate) task_id: i64,
    pub(crate) actor_id: String,
    pub(crate) action: String,
    pub(crate) changes: Value,
    pub(crate) version: i64,
    pub(crate) at: DateTime<Utc>,
}

impl From<HistoryParts> for HistoryEntry {
    fn from(row: HistoryParts) -> Self {
        HistoryEntry {
            id: row.id,
            task_id: row.task_id,
            actor_id: row.actor_id,
            action: row.action,
            changes: row.changes,
            version: row.version,
            at: row.at,
        }
    }
}

/// Splits a list result of `limit + 1` rows into a page and the cursor for the next one.
pub(crate) fn into_page(mut items: Vec<Task>, query: &todo_domain::query::ListQuery) -> todo_domain::query::Page {
    let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
    let next_cursor = if items.len() > limit {
        items.truncate(limit);
        items.last().map(|last| query.cursor_after(last).encode())
    } else {
        None
    };
    todo_domain::query::Page { items, next_cursor }
}
