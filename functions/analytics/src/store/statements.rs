//! The SQL text of the read model: the statements both engines accept, written once with `$n`
//! placeholders (sqlx binds those by number on SQLite too), and as macros the shape of those that
//! differ in one fragment, which each [`Dialect`](super::dialect::Dialect) fills in.

/// Makes sure task `$2` of user `$1` has a row, so that there is one to lock and update.
pub(super) const ENSURE_TASK: &str =
    "INSERT INTO analytics_tasks (user_id, task_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";

/// Writes back the merged facts of task `$2` of user `$1`.
pub(super) const UPDATE_FACTS: &str = "UPDATE analytics_tasks SET created_at = $3, priority = $4, priority_at = $5, \
    tags = $6, tags_at = $7, due_at = $8, due_changed_at = $9, status = $10, completed_at = $11, status_at = $12, \
    deleted_at = $13 WHERE user_id = $1 AND task_id = $2";

/// A completion; a reopen may have been recorded first, and the completion keeps it.
pub(super) const COMPLETE: &str = "INSERT INTO analytics_completions \
    (user_id, task_id, completed_at, time_to_complete, counted) VALUES ($1, $2, $3, $4, TRUE) \
    ON CONFLICT (user_id, task_id, completed_at) \
    DO UPDATE SET time_to_complete = EXCLUDED.time_to_complete, counted = TRUE";

/// One more of counter `$3`/`$4` on day `$2` for user `$1`.
pub(super) const COUNT: &str = "INSERT INTO analytics_counters (user_id, day, metric, key, count) \
    VALUES ($1, $2, $3, $4, 1) \
    ON CONFLICT (user_id, day, metric, key) DO UPDATE SET count = analytics_counters.count + 1";

/// An audit entry, unless its event is there already.
pub(super) const AUDIT: &str = "INSERT INTO analytics_audit (id, at, actor, event, service, method, route, \
    resource_id, outcome, status, trace_id, request_id, client) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (id) DO NOTHING";

/// What a reset empties.
pub(super) const EMPTY: [&str; 3] = [
    "DELETE FROM analytics_tasks",
    "DELETE FROM analytics_completions",
    "DELETE FROM analytics_counters",
];

/// A reset also forgets the idempotency keys of consumer `$1`, so the replay counts every event.
pub(super) const FORGET_KEYS: &str = "DELETE FROM processed_events WHERE consumer = $1";

pub(super) const TOTALS: &str = "SELECT \
    COUNT(*) FILTER (WHERE created_at >= $2 AND created_at < $3), \
    COUNT(*) FILTER (WHERE created_at >= $2 AND created_at < $3 AND status = 'completed'), \
    COUNT(*) FILTER (WHERE deleted_at >= $2 AND deleted_at < $3), \
    COUNT(*) FILTER (WHERE status = 'pending' AND deleted_at IS NULL), \
    COUNT(*) FILTER (WHERE status = 'pending' AND deleted_at IS NULL AND due_at < $4) \
    FROM analytics_tasks WHERE user_id = $1";

pub(super) const BY_PRIORITY: &str = "SELECT priority, COUNT(*) FROM analytics_tasks \
    WHERE user_id = $1 AND status = 'pending' AND deleted_at IS NULL AND priority IS NOT NULL \
    GROUP BY priority ORDER BY priority";

pub(super) const COMPLETION_TIMES: &str = "SELECT time_to_complete FROM analytics_completions \
    WHERE user_id = $1 AND counted AND retracted_at IS NULL AND time_to_complete IS NOT NULL \
    AND completed_at >= $2 AND completed_at < $3";

/// `SUM` of a `BIGINT` is a `NUMERIC` in PostgreSQL; the cast makes it a `BIGINT` again (on
/// SQLite's integers it changes nothing).
pub(super) const COUNTERS: &str = "SELECT metric, key, CAST(SUM(count) AS BIGINT) FROM analytics_counters \
    WHERE user_id = $1 AND day >= $2 AND day <= $3 GROUP BY metric, key ORDER BY metric, key";

pub(super) const DAILY_COUNTER: &str = "SELECT day, CAST(SUM(count) AS BIGINT) FROM analytics_counters \
    WHERE user_id = $1 AND metric = $2 AND day >= $3 AND day <= $4 GROUP BY day ORDER BY day";

/// The facts of task `$2` of user `$1`, then `$lock`.
macro_rules! select_facts {
    ($lock:literal) => {
        concat!(
            "SELECT created_at, priority, priority_at, tags, tags_at, due_at, due_changed_at, status, completed_at, ",
            "status_at, deleted_at FROM analytics_tasks WHERE user_id = $1 AND task_id = $2",
            $lock
        )
    };
}
pub(crate) use select_facts;

/// A reopen at `$4` takes back completion `$3` of task `$2` of user `$1`, which may not have
/// arrived yet (the row then waits for it, already taken back); the earliest reopen wins.
/// `$min` is the engine's two-argument minimum.
macro_rules! retract {
    ($min:literal) => {
        concat!(
            "INSERT INTO analytics_completions (user_id, task_id, completed_at, retracted_at) VALUES ($1, $2, $3, $4) ",
            "ON CONFLICT (user_id, task_id, completed_at) DO UPDATE SET retracted_at = ",
            $min,
            "(COALESCE(analytics_completions.retracted_at, EXCLUDED.retracted_at), EXCLUDED.retracted_at)"
        )
    };
}
pub(crate) use retract;

/// `(day, count)` of user `$1`'s tasks created in `[$2, $3)`; `$day` is the creation day.
macro_rules! daily_created {
    ($day:literal) => {
        concat!(
            "SELECT ",
            $day,
            " AS day, COUNT(*) FROM analytics_tasks ",
            "WHERE user_id = $1 AND created_at >= $2 AND created_at < $3 GROUP BY day ORDER BY day"
        )
    };
}
pub(crate) use daily_created;

/// The same for deletions; `$day` is the deletion day.
macro_rules! daily_deleted {
    ($day:literal) => {
        concat!(
            "SELECT ",
            $day,
            " AS day, COUNT(*) FROM analytics_tasks ",
            "WHERE user_id = $1 AND deleted_at >= $2 AND deleted_at < $3 GROUP BY day ORDER BY day"
        )
    };
}
pub(crate) use daily_deleted;

/// The same for completions not taken back; `$day` is the completion day.
macro_rules! daily_completed {
    ($day:literal) => {
        concat!(
            "SELECT ",
            $day,
            " AS day, COUNT(*) FROM analytics_completions ",
            "WHERE user_id = $1 AND counted AND retracted_at IS NULL ",
            "AND completed_at >= $2 AND completed_at < $3 GROUP BY day ORDER BY day"
        )
    };
}
pub(crate) use daily_completed;

/// A page of the audit trail, newest first, of the rows `$filter` keeps.
macro_rules! audit_page {
    ($filter:literal) => {
        concat!(
            "SELECT id, at, actor, event, service, method, route, resource_id, outcome, status, trace_id, ",
            "request_id, client FROM analytics_audit WHERE ",
            $filter,
            " ORDER BY at DESC, id DESC LIMIT $4"
        )
    };
}
pub(crate) use audit_page;
