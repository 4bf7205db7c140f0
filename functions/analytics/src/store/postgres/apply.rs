//! Writing one [`Change`] in PostgreSQL, inside the handler's transaction. A task's facts row is
//! locked (`FOR UPDATE`) while its change is merged, so two events of one task handled at once
//! by two replicas merge one after the other.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::change::{Change, CountChange, TaskChange};
use crate::facts::TaskFacts;
use crate::{Error, Result};

#[derive(sqlx::FromRow)]
struct FactsRow {
    created_at: Option<DateTime<Utc>>,
    priority: Option<String>,
    priority_at: Option<DateTime<Utc>>,
    tags: Option<String>,
    tags_at: Option<DateTime<Utc>>,
    due_at: Option<DateTime<Utc>>,
    due_changed_at: Option<DateTime<Utc>>,
    status: Option<String>,
    completed_at: Option<DateTime<Utc>>,
    status_at: Option<DateTime<Utc>>,
    deleted_at: Option<DateTime<Utc>>,
}

impl TryFrom<FactsRow> for TaskFacts {
    type Error = Error;

    fn try_from(r: FactsRow) -> Result<Self> {
        Ok(TaskFacts {
            created_at: r.created_at,
            priority: r.priority,
            priority_at: r.priority_at,
            tags: TaskFacts::parse_tags(r.tags.as_deref()).map_err(Error::Corrupt)?,
            tags_at: r.tags_at,
            due_at: r.due_at,
            due_changed_at: r.due_changed_at,
            status: TaskFacts::parse_status(r.status.as_deref()).map_err(Error::Corrupt)?,
            completed_at: r.completed_at,
            status_at: r.status_at,
            deleted_at: r.deleted_at,
        })
    }
}

/// Applies `change` with the open transaction `tx`.
///
/// # Errors
/// When a statement fails or the task's stored facts cannot be read.
pub(crate) async fn apply(tx: &mut PgConnection, change: &Change) -> Result<()> {
    match change {
        Change::Task(task) => apply_task(tx, task).await,
        Change::Count(count) => apply_count(tx, count).await,
        Change::Audit(entry) => super::audit::insert(tx, entry).await,
    }
}

async fn apply_task(tx: &mut PgConnection, change: &TaskChange) -> Result<()> {
    sqlx::query("INSERT INTO analytics_tasks (user_id, task_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(&change.user_id)
        .bind(change.task_id)
        .execute(&mut *tx)
        .await?;
    let row: FactsRow = sqlx::query_as(
        "SELECT created_at, priority, priority_at, tags, tags_at, due_at, due_changed_at, status, completed_at, \
         status_at, deleted_at FROM analytics_tasks WHERE user_id = $1 AND task_id = $2 FOR UPDATE",
    )
    .bind(&change.user_id)
    .bind(change.task_id)
    .fetch_one(&mut *tx)
    .await?;
    let mut facts = TaskFacts::try_from(row)?;
    facts.apply(change);
    sqlx::query(
        "UPDATE analytics_tasks SET created_at = $3, priority = $4, priority_at = $5, tags = $6, tags_at = $7, \
         due_at = $8, due_changed_at = $9, status = $10, completed_at = $11, status_at = $12, deleted_at = $13 \
         WHERE user_id = $1 AND task_id = $2",
    )
    .bind(&change.user_id)
    .bind(change.task_id)
    .bind(facts.created_at)
    .bind(&facts.priority)
    .bind(facts.priority_at)
    .bind(facts.tags_json())
    .bind(facts.tags_at)
    .bind(facts.due_at)
    .bind(facts.due_changed_at)
    .bind(facts.status.map(|s| s.as_str()))
    .bind(facts.completed_at)
    .bind(facts.status_at)
    .bind(facts.deleted_at)
    .execute(&mut *tx)
    .await?;
    if let Some(completion) = &change.completion {
        // A reopen may have been recorded first; the completion keeps it.
        sqlx::query(
            "INSERT INTO analytics_completions (user_id, task_id, completed_at, time_to_complete, counted) \
             VALUES ($1, $2, $3, $4, TRUE) ON CONFLICT (user_id, task_id, completed_at) \
             DO UPDATE SET time_to_complete = EXCLUDED.time_to_complete, counted = TRUE",
        )
        .bind(&change.user_id)
        .bind(change.task_id)
        .bind(completion.completed_at)
        .bind(completion.time_to_complete)
        .execute(&mut *tx)
        .await?;
    }
    if let Some(completed_at) = change.retracts {
        // The completion may not have arrived yet: the row waits for it, already taken back.
        sqlx::query(
            "INSERT INTO analytics_completions (user_id, task_id, completed_at, retracted_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id, task_id, completed_at) DO UPDATE SET retracted_at = \
             LEAST(COALESCE(analytics_completions.retracted_at, EXCLUDED.retracted_at), EXCLUDED.retracted_at)",
        )
        .bind(&change.user_id)
        .bind(change.task_id)
        .bind(completed_at)
        .bind(change.at)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

async fn apply_count(tx: &mut PgConnection, count: &CountChange) -> Result<()> {
    sqlx::query(
        "INSERT INTO analytics_counters (user_id, day, metric, key, count) VALUES ($1, $2, $3, $4, 1) \
         ON CONFLICT (user_id, day, metric, key) DO UPDATE SET count = analytics_counters.count + 1",
    )
    .bind(&count.user_id)
    .bind(count.day)
    .bind(count.metric.as_str())
    .bind(&count.key)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
