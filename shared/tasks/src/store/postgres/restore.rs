//! Putting back a task from its archived `task.created` (disaster recovery, see
//! [`crate::store::replay`]): the task with its own id, its `created` history and its list
//! version in one statement, then the id sequence moved past it.

use sqlx::types::Json;

use super::PostgresTaskStore;
use crate::Result;
use todo_domain::query::title_key;
use todo_domain::{Mutation, Task, WriteContext};

const INSERT: &str = "
WITH t AS (
    INSERT INTO tasks (id, owner_id, title, title_key, description, priority, tags, due_at,
                       remind_before_minutes, recurrence, status, created_at, updated_at, version,
                       series_id, occurrence)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', $11, $11, 1, $12, $13)
    ON CONFLICT (id) DO NOTHING
    RETURNING id
), h AS (
    INSERT INTO task_history (task_id, owner_id, actor_id, action, changes, version, at)
    SELECT id, $2, $14, 'created', $15, 1, $11 FROM t
), v AS (
    INSERT INTO task_list_versions (owner_id, version) SELECT $2, 1 FROM t
    ON CONFLICT (owner_id) DO UPDATE SET version = task_list_versions.version + 1
)
SELECT count(*) FROM t";

impl PostgresTaskStore {
    pub(super) async fn insert_restored(&self, ctx: &WriteContext, task: &Task) -> Result<bool> {
        let changes = Mutation::created(task.clone(), ctx).changes_document();
        let inserted: i64 = sqlx::query_scalar(INSERT)
            .bind(task.id)
            .bind(&task.owner_id)
            .bind(&task.title)
            .bind(title_key(&task.title))
            .bind(&task.description)
            .bind(task.priority.rank())
            .bind(&task.tags)
            .bind(task.due_at)
            .bind(task.remind_before_minutes)
            .bind(&task.recurrence)
            .bind(task.created_at)
            .bind(task.series_id)
            .bind(task.occurrence)
            .bind(&ctx.user_id)
            .bind(Json(changes))
            .fetch_one(&self.pool)
            .await?;
        if inserted > 0 {
            sqlx::query(
                "SELECT setval(pg_get_serial_sequence('tasks', 'id'), \
                 GREATEST($1, (SELECT max(id) FROM tasks)))",
            )
            .bind(task.id)
            .execute(&self.pool)
            .await?;
        }
        Ok(inserted > 0)
    }
}
