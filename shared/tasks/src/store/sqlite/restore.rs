//! Putting back a task from its archived `task.created` (disaster recovery, see
//! [`crate::store::replay`]): the task with its own id, its `created` history and its list
//! version in one transaction. SQLite hands out ids above the largest one by itself.

use super::{SqliteTaskStore, tags_json};
use crate::Result;
use todo_db::time::micros;
use todo_domain::query::title_key;
use todo_domain::{Mutation, Task, WriteContext};

impl SqliteTaskStore {
    pub(super) async fn insert_restored(&self, ctx: &WriteContext, task: &Task) -> Result<bool> {
        let changes = Mutation::created(task.clone(), ctx).changes_document();
        let mut tx = self.writer.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO tasks (id, owner_id, title, title_key, description, priority, tags, due_at, \
             remind_before_minutes, recurrence, status, created_at, updated_at, version, series_id, occurrence) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'pending', ?11, ?11, 1, ?12, ?13) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(task.id)
        .bind(&task.owner_id)
        .bind(&task.title)
        .bind(title_key(&task.title))
        .bind(&task.description)
        .bind(i64::from(task.priority.rank()))
        .bind(tags_json(&task.tags))
        .bind(task.due_at.map(micros))
        .bind(task.remind_before_minutes)
        .bind(&task.recurrence)
        .bind(micros(task.created_at))
        .bind(task.series_id)
        .bind(task.occurrence)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if inserted {
            sqlx::query(
                "INSERT INTO task_history (task_id, owner_id, actor_id, action, changes, version, at) \
                 VALUES (?1, ?2, ?3, 'created', ?4, 1, ?5)",
            )
            .bind(task.id)
            .bind(&task.owner_id)
            .bind(&ctx.user_id)
            .bind(changes.to_string())
            .bind(micros(task.created_at))
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO task_list_versions (owner_id, version) VALUES (?1, 1) \
                 ON CONFLICT (owner_id) DO UPDATE SET version = version + 1",
            )
            .bind(&task.owner_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(inserted)
    }
}
