//! The SQLite write transaction: the statements of the shared write path (`store::write`), run on
//! the single writer connection inside `BEGIN IMMEDIATE`.

use async_trait::async_trait;
use sqlx::{Sqlite, Transaction};
use todo_events::DomainEvent;

use super::{SqliteTaskRow, tags_json};
use crate::Result;
use crate::store::list_sql::task_columns_bare;
use crate::store::read::SELECT_ONE;
use crate::store::write::WriteTx;
use todo_db::time::micros;
use todo_domain::query::title_key;
use todo_domain::{NewTask, SeriesPosition, Task, WriteContext};

pub(super) struct SqliteWrite(pub(super) Transaction<'static, Sqlite>);

#[async_trait]
impl WriteTx for SqliteWrite {
    async fn load_for_update(&mut self, owner_id: &str, id: i64) -> Result<Option<Task>> {
        let row: Option<SqliteTaskRow> = sqlx::query_as(SELECT_ONE)
            .bind(id)
            .bind(owner_id)
            .fetch_optional(&mut *self.0)
            .await?;
        row.map(Task::try_from).transpose()
    }

    async fn insert_task(
        &mut self,
        ctx: &WriteContext,
        t: &NewTask,
        position: Option<SeriesPosition>,
    ) -> Result<Option<Task>> {
        let sql = concat!(
            "INSERT INTO tasks (owner_id, title, title_key, description, priority, tags, due_at, ",
            "remind_before_minutes, recurrence, status, created_at, updated_at, version, series_id, occurrence) ",
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'pending', ?10, ?10, 1, ?11, ?12) ",
            "ON CONFLICT DO NOTHING RETURNING ",
            task_columns_bare!()
        );
        let row: Option<SqliteTaskRow> = sqlx::query_as(sql)
            .bind(&ctx.user_id)
            .bind(&t.title)
            .bind(title_key(&t.title))
            .bind(&t.description)
            .bind(i64::from(t.priority.rank()))
            .bind(tags_json(&t.tags))
            .bind(t.due_at.map(micros))
            .bind(t.remind_before_minutes)
            .bind(&t.recurrence)
            .bind(micros(ctx.now))
            .bind(position.map(|p| p.series_id))
            .bind(position.map(|p| p.occurrence))
            .fetch_optional(&mut *self.0)
            .await?;
        let Some(mut task) = row.map(Task::try_from).transpose()? else {
            return Ok(None);
        };
        if task.recurrence.is_some() && task.series_id.is_none() {
            // The first task of a series is its occurrence 1; its id is known only now.
            sqlx::query("UPDATE tasks SET series_id = id, occurrence = 1 WHERE id = ?1")
                .bind(task.id)
                .execute(&mut *self.0)
                .await?;
            task.series_id = Some(task.id);
            task.occurrence = Some(1);
        }
        Ok(Some(task))
    }

    async fn save_task(&mut self, t: &Task, deleted: bool) -> Result<()> {
        sqlx::query(
            "UPDATE tasks SET title = ?1, title_key = ?2, description = ?3, priority = ?4, tags = ?5, \
             due_at = ?6, remind_before_minutes = ?7, recurrence = ?8, status = ?9, completed_at = ?10, \
             updated_at = ?11, version = ?12, deleted_at = CASE WHEN ?13 THEN ?11 ELSE NULL END, \
             series_id = ?15, occurrence = ?16 WHERE id = ?14",
        )
        .bind(&t.title)
        .bind(title_key(&t.title))
        .bind(&t.description)
        .bind(i64::from(t.priority.rank()))
        .bind(tags_json(&t.tags))
        .bind(t.due_at.map(micros))
        .bind(t.remind_before_minutes)
        .bind(&t.recurrence)
        .bind(t.status.as_str())
        .bind(t.completed_at.map(micros))
        .bind(micros(t.updated_at))
        .bind(t.version)
        .bind(deleted)
        .bind(t.id)
        .bind(t.series_id)
        .bind(t.occurrence)
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }

    async fn insert_history(&mut self, ctx: &WriteContext, m: &todo_domain::Mutation) -> Result<()> {
        sqlx::query(
            "INSERT INTO task_history (task_id, owner_id, actor_id, action, changes, version, at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .bind(m.task.id)
        .bind(&m.task.owner_id)
        .bind(&ctx.user_id)
        .bind(m.action.as_str())
        .bind(m.changes_document().to_string())
        .bind(m.task.version)
        .bind(micros(ctx.now))
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }

    async fn bump_list_version(&mut self, owner_id: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO task_list_versions (owner_id, version) VALUES (?1, 1) \
             ON CONFLICT (owner_id) DO UPDATE SET version = version + 1",
        )
        .bind(owner_id)
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }

    async fn insert_outbox(&mut self, events: &[DomainEvent]) -> Result<()> {
        crate::store::enqueue_sqlite(&mut self.0, events).await
    }

    async fn commit(self) -> Result<()> {
        self.0.commit().await?;
        Ok(())
    }
}
