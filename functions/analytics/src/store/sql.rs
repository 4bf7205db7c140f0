//! The read model's reads and writes, written once for both engines: every statement, bind and
//! decode, over a [`Dialect`] for what differs.
//!
//! A change is written inside the handler's transaction: a task's facts row is read, merged with
//! the change in the domain ([`TaskFacts::apply`](crate::facts::TaskFacts::apply)) and written
//! back, while the engine keeps a second writer of the task out (PostgreSQL by `FOR UPDATE` on
//! the row, SQLite because the transaction's first statement, the idempotency key, took the
//! file's one write lock).

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Encode, Executor, IntoArguments, Pool, Type};

use super::dialect::{Args, Bind, Column, Conn, Dialect, Row};
use super::rows::{AuditRow, FactsRow};
use super::statements::{
    AUDIT, BY_PRIORITY, COMPLETE, COMPLETION_TIMES, COUNT, COUNTERS, DAILY_COUNTER, EMPTY, ENSURE_TASK, FORGET_KEYS,
    TOTALS, UPDATE_FACTS,
};
use crate::Result;
use crate::audit::{AuditEntry, AuditQuery};
use crate::change::{Change, CountChange, TaskChange};
use crate::model::{CONSUMER, CounterTotal, Metric, TaskTotals};
use crate::range::{DayRange, TimeRange};

/// The read model's statements on an engine. Implemented once, below, for every [`Dialect`]
/// whose driver sqlx gives what the statements bind and read: Rust does not carry such bounds
/// along with `D: Dialect`, so they are stated on that one impl, and callers need only `Sql`.
#[async_trait]
pub(crate) trait Sql: Dialect {
    /// Applies `change` with the handler's open transaction `tx`.
    async fn apply(tx: &mut Conn<Self>, change: &Change) -> Result<()>;
    /// Merges a task's change into its facts; records a completion or its taking back.
    async fn apply_task(tx: &mut Conn<Self>, change: &TaskChange) -> Result<()>;
    /// Counts one event of a per-day counter.
    async fn apply_count(tx: &mut Conn<Self>, count: &CountChange) -> Result<()>;
    /// Records an audit entry unless its event is there already.
    async fn insert_audit(tx: &mut Conn<Self>, entry: &AuditEntry) -> Result<()>;
    /// Empties the model and forgets its consumer's idempotency keys, in one transaction.
    async fn empty(writer: &Pool<Self>) -> Result<()>;
    /// See [`ReadModel::task_totals`](crate::model::ReadModel::task_totals).
    async fn task_totals(
        reader: &Pool<Self>,
        user_id: &str,
        range: &TimeRange,
        now: DateTime<Utc>,
    ) -> Result<TaskTotals>;
    /// See [`ReadModel::completion_times`](crate::model::ReadModel::completion_times).
    async fn completion_times(reader: &Pool<Self>, user_id: &str, range: &TimeRange) -> Result<Vec<i64>>;
    /// See [`ReadModel::counters`](crate::model::ReadModel::counters).
    async fn counters(reader: &Pool<Self>, user_id: &str, days: &DayRange) -> Result<Vec<CounterTotal>>;
    /// See [`ReadModel::daily`](crate::model::ReadModel::daily).
    async fn daily(
        reader: &Pool<Self>,
        user_id: &str,
        metric: Metric,
        days: &DayRange,
    ) -> Result<Vec<(NaiveDate, i64)>>;
    /// A page of the audit trail, newest first.
    async fn audit_page(reader: &Pool<Self>, query: &AuditQuery) -> Result<Vec<AuditEntry>>;
    /// Fails unless the database answers.
    async fn ping(reader: &Pool<Self>) -> Result<()>;
}

#[async_trait]
impl<D> Sql for D
where
    D: Dialect,
    for<'c> &'c mut Conn<D>: Executor<'c, Database = D>,
    Args<D>: IntoArguments<D>,
    usize: ColumnIndex<Row<D>>,
    for<'a> &'a str: ColumnIndex<Row<D>> + Encode<'a, D> + Type<D>,
    for<'a> Option<&'a str>: Encode<'a, D>,
    String: Column<D>,
    Option<String>: Bind<D>,
    i64: Column<D>,
    i32: Column<D>,
    Option<D::Time>: Bind<D>,
{
    async fn apply(tx: &mut Conn<D>, change: &Change) -> Result<()> {
        match change {
            Change::Task(task) => D::apply_task(tx, task).await,
            Change::Count(count) => D::apply_count(tx, count).await,
            Change::Audit(entry) => D::insert_audit(tx, entry).await,
        }
    }

    async fn apply_task(tx: &mut Conn<D>, change: &TaskChange) -> Result<()> {
        sqlx::query(ENSURE_TASK)
            .bind(&change.user_id)
            .bind(change.task_id)
            .execute(&mut *tx)
            .await?;
        let row: FactsRow<D::Time> = sqlx::query_as(D::SELECT_FACTS)
            .bind(&change.user_id)
            .bind(change.task_id)
            .fetch_one(&mut *tx)
            .await?;
        let mut facts = row.facts(D::from_time)?;
        facts.apply(change);
        let time = |at: Option<DateTime<Utc>>| at.map(D::time);
        sqlx::query(UPDATE_FACTS)
            .bind(&change.user_id)
            .bind(change.task_id)
            .bind(time(facts.created_at))
            .bind(&facts.priority)
            .bind(time(facts.priority_at))
            .bind(facts.tags_json())
            .bind(time(facts.tags_at))
            .bind(time(facts.due_at))
            .bind(time(facts.due_changed_at))
            .bind(facts.status.map(|s| s.as_str()))
            .bind(time(facts.completed_at))
            .bind(time(facts.status_at))
            .bind(time(facts.deleted_at))
            .execute(&mut *tx)
            .await?;
        if let Some(completion) = &change.completion {
            sqlx::query(COMPLETE)
                .bind(&change.user_id)
                .bind(change.task_id)
                .bind(D::time(completion.completed_at))
                .bind(completion.time_to_complete)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(completed_at) = change.retracts {
            sqlx::query(D::RETRACT)
                .bind(&change.user_id)
                .bind(change.task_id)
                .bind(D::time(completed_at))
                .bind(D::time(change.at))
                .execute(&mut *tx)
                .await?;
        }
        Ok(())
    }

    async fn apply_count(tx: &mut Conn<D>, count: &CountChange) -> Result<()> {
        sqlx::query(COUNT)
            .bind(&count.user_id)
            .bind(D::day(count.day))
            .bind(count.metric.as_str())
            .bind(&count.key)
            .execute(&mut *tx)
            .await?;
        Ok(())
    }

    async fn insert_audit(tx: &mut Conn<D>, entry: &AuditEntry) -> Result<()> {
        sqlx::query(AUDIT)
            .bind(&entry.id)
            .bind(D::time(entry.at))
            .bind(&entry.actor)
            .bind(&entry.event)
            .bind(&entry.service)
            .bind(&entry.method)
            .bind(&entry.route)
            .bind(&entry.resource_id)
            .bind(&entry.outcome)
            .bind(entry.status)
            .bind(&entry.trace_id)
            .bind(&entry.request_id)
            .bind(&entry.client)
            .execute(&mut *tx)
            .await?;
        Ok(())
    }

    async fn empty(writer: &Pool<D>) -> Result<()> {
        let mut tx = writer.begin_with(D::BEGIN_WRITE).await?;
        for statement in D::LOCK_FOR_RESET.into_iter().chain(EMPTY) {
            sqlx::query(statement).execute(&mut *tx).await?;
        }
        sqlx::query(FORGET_KEYS).bind(CONSUMER).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn task_totals(reader: &Pool<D>, user_id: &str, range: &TimeRange, now: DateTime<Utc>) -> Result<TaskTotals> {
        let (created, created_and_completed, deleted, open, overdue): (i64, i64, i64, i64, i64) =
            sqlx::query_as(TOTALS)
                .bind(user_id)
                .bind(D::time(range.from))
                .bind(D::time(range.to))
                .bind(D::time(now))
                .fetch_one(reader)
                .await?;
        let by_priority = sqlx::query_as(BY_PRIORITY).bind(user_id).fetch_all(reader).await?;
        let by_tag = sqlx::query_as(D::BY_TAG).bind(user_id).fetch_all(reader).await?;
        Ok(TaskTotals {
            created,
            created_and_completed,
            deleted,
            open,
            overdue,
            by_priority,
            by_tag,
        })
    }

    async fn completion_times(reader: &Pool<D>, user_id: &str, range: &TimeRange) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(COMPLETION_TIMES)
            .bind(user_id)
            .bind(D::time(range.from))
            .bind(D::time(range.to))
            .fetch_all(reader)
            .await?)
    }

    async fn counters(reader: &Pool<D>, user_id: &str, days: &DayRange) -> Result<Vec<CounterTotal>> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(COUNTERS)
            .bind(user_id)
            .bind(D::day(days.first))
            .bind(D::day(days.last))
            .fetch_all(reader)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(metric, key, count)| CounterTotal { metric, key, count })
            .collect())
    }

    async fn daily(reader: &Pool<D>, user_id: &str, metric: Metric, days: &DayRange) -> Result<Vec<(NaiveDate, i64)>> {
        let rows: Vec<(D::Day, i64)> = if let Some(counter) = metric.counter() {
            sqlx::query_as(DAILY_COUNTER)
                .bind(user_id)
                .bind(counter.as_str())
                .bind(D::day(days.first))
                .bind(D::day(days.last))
                .fetch_all(reader)
                .await?
        } else {
            let sql = match metric {
                Metric::TasksCompleted => D::DAILY_COMPLETED,
                Metric::TasksDeleted => D::DAILY_DELETED,
                _ => D::DAILY_CREATED,
            };
            sqlx::query_as(sql)
                .bind(user_id)
                .bind(D::time(days.start()))
                .bind(D::time(days.end()))
                .fetch_all(reader)
                .await?
        };
        rows.into_iter()
            .map(|(day, count)| Ok((D::from_day(day)?, count)))
            .collect()
    }

    async fn audit_page(reader: &Pool<D>, query: &AuditQuery) -> Result<Vec<AuditEntry>> {
        let (before_at, before_id) = match &query.before {
            Some(cursor) => (Some(D::time(cursor.at)), Some(cursor.id.clone())),
            None => (None, None),
        };
        let rows: Vec<AuditRow<D::Time>> = sqlx::query_as(D::AUDIT_PAGE)
            .bind(&query.actor)
            .bind(before_at)
            .bind(before_id)
            .bind(query.limit)
            .fetch_all(reader)
            .await?;
        rows.into_iter().map(|row| row.entry(D::from_time)).collect()
    }

    async fn ping(reader: &Pool<D>) -> Result<()> {
        sqlx::query("SELECT 1").execute(reader).await?;
        Ok(())
    }
}
