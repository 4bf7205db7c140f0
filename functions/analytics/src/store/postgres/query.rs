//! The read side in PostgreSQL: the raw numbers of [`ReadModel`](crate::model::ReadModel), every
//! statement filtered by the caller's user id.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;

use crate::Result;
use crate::model::{CounterTotal, Metric, TaskTotals};
use crate::range::{DayRange, TimeRange};

const TOTALS: &str = "SELECT \
    COUNT(*) FILTER (WHERE created_at >= $2 AND created_at < $3), \
    COUNT(*) FILTER (WHERE created_at >= $2 AND created_at < $3 AND status = 'completed'), \
    COUNT(*) FILTER (WHERE deleted_at >= $2 AND deleted_at < $3), \
    COUNT(*) FILTER (WHERE status = 'pending' AND deleted_at IS NULL), \
    COUNT(*) FILTER (WHERE status = 'pending' AND deleted_at IS NULL AND due_at < $4) \
    FROM analytics_tasks WHERE user_id = $1";

const BY_PRIORITY: &str = "SELECT priority, COUNT(*) FROM analytics_tasks \
    WHERE user_id = $1 AND status = 'pending' AND deleted_at IS NULL AND priority IS NOT NULL \
    GROUP BY priority ORDER BY priority";

const BY_TAG: &str = "SELECT tag, COUNT(DISTINCT t.task_id) FROM analytics_tasks t \
    CROSS JOIN LATERAL jsonb_array_elements_text(t.tags::jsonb) AS tag \
    WHERE t.user_id = $1 AND t.status = 'pending' AND t.deleted_at IS NULL GROUP BY tag ORDER BY tag";

const COMPLETION_TIMES: &str = "SELECT time_to_complete FROM analytics_completions \
    WHERE user_id = $1 AND counted AND retracted_at IS NULL AND time_to_complete IS NOT NULL \
    AND completed_at >= $2 AND completed_at < $3";

const COUNTERS: &str = "SELECT metric, key, SUM(count)::BIGINT FROM analytics_counters \
    WHERE user_id = $1 AND day >= $2 AND day <= $3 GROUP BY metric, key ORDER BY metric, key";

const DAILY_CREATED: &str = "SELECT (created_at AT TIME ZONE 'UTC')::date AS day, COUNT(*) FROM analytics_tasks \
    WHERE user_id = $1 AND created_at >= $2 AND created_at < $3 GROUP BY day ORDER BY day";

const DAILY_DELETED: &str = "SELECT (deleted_at AT TIME ZONE 'UTC')::date AS day, COUNT(*) FROM analytics_tasks \
    WHERE user_id = $1 AND deleted_at >= $2 AND deleted_at < $3 GROUP BY day ORDER BY day";

const DAILY_COMPLETED: &str = "SELECT (completed_at AT TIME ZONE 'UTC')::date AS day, COUNT(*) \
    FROM analytics_completions WHERE user_id = $1 AND counted AND retracted_at IS NULL \
    AND completed_at >= $2 AND completed_at < $3 GROUP BY day ORDER BY day";

const DAILY_COUNTER: &str = "SELECT day, SUM(count)::BIGINT FROM analytics_counters \
    WHERE user_id = $1 AND metric = $2 AND day >= $3 AND day <= $4 GROUP BY day ORDER BY day";

pub(super) async fn task_totals(
    pool: &PgPool,
    user_id: &str,
    range: &TimeRange,
    now: DateTime<Utc>,
) -> Result<TaskTotals> {
    let (created, created_and_completed, deleted, open, overdue): (i64, i64, i64, i64, i64) = sqlx::query_as(TOTALS)
        .bind(user_id)
        .bind(range.from)
        .bind(range.to)
        .bind(now)
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

pub(super) async fn completion_times(pool: &PgPool, user_id: &str, range: &TimeRange) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(COMPLETION_TIMES)
        .bind(user_id)
        .bind(range.from)
        .bind(range.to)
        .fetch_all(pool)
        .await?)
}

pub(super) async fn counters(pool: &PgPool, user_id: &str, days: &DayRange) -> Result<Vec<CounterTotal>> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(COUNTERS)
        .bind(user_id)
        .bind(days.first)
        .bind(days.last)
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(metric, key, count)| CounterTotal { metric, key, count })
        .collect())
}

pub(super) async fn daily(
    pool: &PgPool,
    user_id: &str,
    metric: Metric,
    days: &DayRange,
) -> Result<Vec<(NaiveDate, i64)>> {
    if let Some(counter) = metric.counter() {
        return Ok(sqlx::query_as(DAILY_COUNTER)
            .bind(user_id)
            .bind(counter.as_str())
            .bind(days.first)
            .bind(days.last)
            .fetch_all(pool)
            .await?);
    }
    let sql = match metric {
        Metric::TasksCompleted => DAILY_COMPLETED,
        Metric::TasksDeleted => DAILY_DELETED,
        _ => DAILY_CREATED,
    };
    Ok(sqlx::query_as(sql)
        .bind(user_id)
        .bind(days.start())
        .bind(days.end())
        .fetch_all(pool)
        .await?)
}
