//! The scheduler's queries on SQLite (see `store::schedule`). Times are microseconds.

use chrono::{DateTime, Utc};
use sqlx::Row;
use todo_events::DomainEvent;

use super::SqliteTaskStore;
use crate::Result;
use crate::store::schedule::{DUE_SOON_WINDOW, DueKind, DueTask};
use todo_db::time::{from_micros, micros};

/// `?1` now, `?2` kind, `?3` limit, `?4` the end of the due-soon window.
fn due_sql(kind: DueKind) -> String {
    let condition = match kind {
        DueKind::DueSoon => "t.due_at > ?1 AND t.due_at <= ?4",
        DueKind::Overdue => "t.due_at <= ?1",
        DueKind::Reminder => {
            "t.remind_before_minutes IS NOT NULL AND t.due_at > ?1 \
             AND t.due_at - t.remind_before_minutes * 60000000 <= ?1"
        }
    };
    format!(
        "SELECT t.id, t.owner_id, t.title, t.due_at, t.remind_before_minutes FROM tasks t \
         WHERE t.status = 'pending' AND t.deleted_at IS NULL AND t.due_at IS NOT NULL AND {condition} \
         AND NOT EXISTS (SELECT 1 FROM task_due_marks m WHERE m.task_id = t.id AND m.kind = ?2 AND m.due_at = t.due_at) \
         ORDER BY t.due_at, t.id LIMIT ?3"
    )
}

impl SqliteTaskStore {
    pub(super) async fn pending_due(&self, kind: DueKind, now: DateTime<Utc>, limit: i64) -> Result<Vec<DueTask>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(due_sql(kind)))
            .bind(micros(now))
            .bind(kind.as_str())
            .bind(limit)
            .bind(micros(now + DUE_SOON_WINDOW))
            .fetch_all(&self.reader)
            .await?;
        rows.into_iter()
            .map(|row| {
                Ok(DueTask {
                    task_id: row.try_get(0)?,
                    owner_id: row.try_get(1)?,
                    title: row.try_get(2)?,
                    due_at: from_micros(row.try_get(3)?)?,
                    remind_before_minutes: row.try_get(4)?,
                })
            })
            .collect()
    }

    pub(super) async fn mark(
        &self,
        kind: DueKind,
        task: &DueTask,
        now: DateTime<Utc>,
        events: &[DomainEvent],
    ) -> Result<bool> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        let marked = sqlx::query(
            "INSERT INTO task_due_marks (task_id, kind, due_at, marked_at) \
             SELECT id, ?2, due_at, ?4 FROM tasks \
             WHERE id = ?1 AND due_at = ?3 AND status = 'pending' AND deleted_at IS NULL \
             ON CONFLICT DO NOTHING",
        )
        .bind(task.task_id)
        .bind(kind.as_str())
        .bind(micros(task.due_at))
        .bind(micros(now))
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if !marked {
            return Ok(false);
        }
        crate::store::enqueue_sqlite(&mut tx, events).await?;
        tx.commit().await?;
        self.written.notify_one();
        Ok(true)
    }
}
