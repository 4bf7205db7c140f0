//! Writing one [`Change`] in SQLite, inside the handler's transaction. The transaction's first
//! statement (the idempotency key) already took the write lock, so the read-merge-write of a
//! task's facts cannot interleave with another writer.

use sqlx::SqliteConnection;

use super::{micros, opt_time};
use crate::change::{Change, CountChange, TaskChange};
use crate::facts::TaskFacts;
use crate::{Error, Result};

#[derive(sqlx::FromRow)]
struct FactsRow {
    created_at: Option<i64>,
    priority: Option<String>,
    priority_at: Option<i64>,
    tags: Option<String>,
    tags_at: Option<i64>,
    due_at: Option<i64>,
    due_changed_at: Option<i64>,
    status: Option<String>,
    completed_at: Option<i64>,
    status_at: Option<i64>,
    deleted_at: Option<i64>,
}

impl TryFrom<FactsRow> for TaskFacts {
    type Error = Error;

    fn try_from(r: FactsRow) -> Result<Self> {
        Ok(TaskFacts {
            created_at: opt_time(r.created_at)?,
            priority: r.priority,
            priority_at: opt_time(r.priority_at)?,
            tags: TaskFacts::parse_tags(r.tags.as_deref()).map_err(Error::Corrupt)?,
            tags_at: opt_time(r.tags_at)?,
            due_at: opt_time(r.due_at)?,
            due_changed_at: opt_time(r.due_changed_at)?,
            status: TaskFacts::parse_status(r.status.as_deref()).map_err(Error::Corrupt)?,
            completed_at: opt_time(r.completed_at)?,
            status_at: opt_time(r.status_at)?,
            deleted_at: opt_time(r.deleted_at)?,
        })
    }
}

/// Applies `change` with the open transaction `tx`.
///
/// # Errors
/// When a statement fails or the task's stored facts cannot be read.
pub(crate) async fn apply(tx: &mut SqliteConnection, change: &Change) -> Result<()> {
    match change {
        Change::Task(task) => apply_task(tx, task).await,
        Change::Count(count) => apply_count(tx, count).await,
        Change::Audit(entry) => super::audit::insert(tx, entry).await,
    }
}

async fn apply_task(tx: &mut SqliteConnection, change: &TaskChange) -> Result<()> {
    let row: Option<FactsRow> = sqlx::query_as(
        "SELECT created_at, priority, priority_at, tags, tags_at, due_at, due_changed_at, status, completed_at, \
         status_at, deleted_at FROM analytics_tasks WHERE user_id = ?1 AND task_id = ?2",
    )
    .bind(&change.user_id)
    .bind(change.task_id)
    .fetch_optional(&mut *tx)
    .await?;
    let mut facts = row.map(TaskFacts::try_from).transpose()?.unwrap_or_default();
    facts.apply(change);
    sqlx::query(
        "INSERT OR REPLACE INTO analytics_tasks (user_id, task_id, created_at, priority, priority_at, tags, tags_at, \
         due_at, due_changed_at, status, completed_at, status_at, deleted_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )
    .bind(&change.user_id)
    .bind(change.task_id)
    .bind(facts.created_at.map(micros))
    .bind(&facts.priority)
    .bind(facts.priority_at.map(micros))
    .bind(facts.tags_json())
    .bind(facts.tags_at.map(micros))
    .bind(facts.due_at.map(micros))
    .bind(facts.due_changed_at.map(micros))
    .bind(facts.status.map(|s| s.as_str()))
    .bind(facts.completed_at.map(micros))
    .bind(facts.status_at.map(micros))
    .bind(facts.deleted_at.map(micros))
    .execute(&mut *tx)
    .await?;
    if let Some(completion) = &change.completion {
        // A reopen may have been recorded first; the completion keeps it.
        sqlx::query(
            "INSERT INTO analytics_completions (user_id, task_id, completed_at, time_to_complete, counted) \
             VALUES (?1, ?2, ?3, ?4, 1) ON CONFLICT (user_id, task_id, completed_at) \
             DO UPDATE SET time_to_complete = excluded.time_to_complete, counted = 1",
        )
        .bind(&change.user_id)
        .bind(change.task_id)
        .bind(micros(completion.completed_at))
        .bind(completion.time_to_complete)
        .execute(&mut *tx)
        .await?;
    }
    if let Some(completed_at) = change.retracts {
        // The completion may not have arrived yet: the row waits for it, already taken back.
        sqlx::query(
            "INSERT INTO analytics_completions (user_id, task_id, completed_at, retracted_at) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (user_id, task_id, completed_at) DO UPDATE SET retracted_at = \
             min(coalesce(analytics_completions.retracted_at, excluded.retracted_at), excluded.retracted_at)",
        )
        .bind(&change.user_id)
        .bind(change.task_id)
        .bind(micros(completed_at))
        .bind(micros(change.at))
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

async fn apply_count(tx: &mut SqliteConnection, count: &CountChange) -> Result<()> {
    sqlx::query(
        "INSERT INTO analytics_counters (user_id, day, metric, key, count) VALUES (?1, ?2, ?3, ?4, 1) \
         ON CONFLICT (user_id, day, metric, key) DO UPDATE SET count = analytics_counters.count + 1",
    )
    .bind(&count.user_id)
    .bind(count.day.format("%Y-%m-%d").to_string())
    .bind(count.metric.as_str())
    .bind(&count.key)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
