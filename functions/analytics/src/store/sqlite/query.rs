//! The read side in SQLite: the raw numbers of [`ReadModel`](crate::model::ReadModel), every
//! statement filtered by the caller's user id.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::SqlitePool;

use super::micros;
use crate::model::{CounterTotal, Metric, TaskTotals};
use crate::range::{DayRange, TimeRange};
use crate::{Error, Result};

const TOTALS: &str = "SELECT \
    COUNT(*) FILTER (WHERE created_at >= ?2 AND created_at < ?3), \
    COUNT(*) FILTER (WHERE created_at >= ?2 AND created_at < ?3 AND status = 'completed'), \
    COUNT(*) FILTER (WHERE deleted_at >= ?2 AND deleted_at < ?3), \
    COUNT(*) FILTER (WHERE status = 'pending' AND deleted_at IS NULL), \
    COUNT(*) FILTER (WHERE status = 'pending' AND deleted_at IS NULL AND due_at < ?4) \
    FROM analytics_tasks WHERE user_id = ?1";

const BY_PRIORITY: &str = "SELECT priority, COUNT(*) FROM analytics_tasks \
    WHERE user_id = ?1 AND status = 'pending' AND deleted_at IS NULL AND priority IS NOT NULL \
    GROUP BY priority ORDER BY priority";

const BY_TAG: &str = "SELECT j.value, COUNT(DISTINCT t.task_id) FROM analytics_tasks t, json_each(t.tags) j \
    WHERE t.user_id = ?1 AND t.status = 'pending' AND t.deleted_at IS NULL GROUP BY j.value ORDER BY j.value";

const COMPLETION_TIMES: &str = "SELECT time_to_complete FROM analytics_completions \
    WHERE user_id = ?1 AND counted AND retracted_at IS NULL AND time_to_complete IS NOT NULL \
    AND completed_at >= ?2 AND completed_at < ?3";

const COUNTERS: &str = "SELECT metric, key, SUM(count) FROM analytics_counters \
    WHERE user_id = ?1 AND day >= ?2 AND day <= ?3 GROUP BY metric, key ORDER BY metric, key";

const DAILY_CREATED: &str = "SELECT date(created_at / 1000000, 'unixepoch') AS day, COUNT(*) FROM analytics_tasks \
    WHERE user_id = ?1 AND created_at >= ?2 AND created_at < ?3 GROUP BY day ORDER BY day";

const DAILY_DELETED: &str = "SELECT date(deleted_at / 1000000, 'unixepoch') AS day, COUNT(*) FROM analytics_tasks \
    WHERE user_id = ?1 AND deleted_at >= ?2 AND deleted_at < ?3 GROUP BY day ORDER BY day";

const DAILY_COMPLETED: &str = "SELECT date(completed_at / 1000000, 'unixepoch') AS day, COUNT(*) \
    FROM analytics_completions WHERE user_id = ?1 AND counted AND retracted_at IS NULL \
    AND completed_at >= ?2 AND completed_at < ?3 GROUP BY day ORDER BY day";

const DAILY_COUNTER: &str = "SELECT day, SUM(count) FROM analytics_counters \
    WHERE user_id = ?1 AND metric = ?2 AND day >= ?3 AND day <= ?4 GROUP BY day ORDER BY day";

fn day_text(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

fn parse_days(rows: Vec<(String, i64)>) -> Result<Vec<(NaiveDate, i64)>> {
    rows.into_iter()
        .map(|(day, count)| {
            NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                .map(|d| (d, count))
                .map_err(|e| Error::Corrupt(format!("day '{day}': {e}")))
        })
        .collect()
}

pub(super) async fn task_totals(
    pool: &SqlitePool,
    user_id: &str,
    range: &TimeRange,
    now: DateTime<Utc>,
) -> Result<TaskTotals> {
    let (created, created_and_completed, deleted, open, overdue): (i64, i64, i64, i64, i64) = sqlx::query_as(TOTALS)
        .bind(user_id)
        .bind(micros(range.from))
        .bind(micros(range.to))
        .bind(micros(now))
        .fetch_one(pool)
        .await?;
    let by_priority = sqlx::query_as(BY_PRIORITY).bind(user_id).fetch_all(pool).await?;
    let by_tag = sqlx::query_as(BY_TAG).bind(user_id).fetch_all(pool).await?;
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

pub(super) async fn completion_times(pool: &SqlitePool, user_id: &str, range: &TimeRange) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(COMPLETION_TIMES)
        .bind(user_id)
        .bind(micros(range.from))
        .bind(micros(range.to))
        .fetch_all(pool)
        .await?)
}

pub(super) async fn counters(pool: &SqlitePool, user_id: &str, days: &DayRange) -> Result<Vec<CounterTotal>> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(COUNTERS)
        .bind(user_id)
        .bind(day_text(days.first))
        .bind(day_text(days.last))
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(metric, key, count)| CounterTotal { metric, key, count })
        .collect())
}

pub(super) async fn daily(
    pool: &SqlitePool,
    user_id: &str,
    metric: Metric,
    days: &DayRange,
) -> Result<Vec<(NaiveDate, i64)>> {
    if let Some(counter) = metric.counter() {
        let rows = sqlx::query_as(DAILY_COUNTER)
            .bind(user_id)
            .bind(counter.as_str())
            .bind(day_text(days.first))
            .bind(day_text(days.last))
            .fetch_all(pool)
            .await?;
        return parse_days(rows);
    }
    let sql = match metric {
        Metric::TasksCompleted => DAILY_COMPLETED,
        Metric::TasksDeleted => DAILY_DELETED,
        _ => DAILY_CREATED,
    };
    let rows = sqlx::query_as(sql)
        .bind(user_id)
        .bind(micros(days.start()))
        .bind(micros(days.end()))
        .fetch_all(pool)
        .await?;
    parse_days(rows)
}
