//! The SQLite task store: the embedded default, one file under `./data`.
//!
//! One writer connection (SQLite allows one writer at a time; queuing in the pool is cheaper than
//! busy retries) and a few reader connections in WAL mode; concurrent creates share a
//! transaction (`create_batch`). Times are stored as microseconds since
//! the epoch so they sort and compare exactly; tags as a JSON array; search uses FTS5.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::sqlite::SqlitePool;
use todo_db::sqlite::Pools;
use todo_db::time::{from_micros, from_opt_micros, micros};

mod create_batch;
mod outbox;
mod restore;
mod schedule;
mod writes;

use super::TaskStore;
use super::list_sql::{Dialect, SqlValue, list_sql, task_columns};
use super::rows::{HistoryParts, TaskParts, into_page};
use super::write;
use crate::{Error, Result};
use todo_domain::query::{ListQuery, Page};
use todo_domain::{HistoryEntry, NewTask, Task, WriteContext};
use writes::SqliteWrite;

/// Tasks in a SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteTaskStore {
    reader: SqlitePool,
    writer: SqlitePool,
    /// Woken after every committed task write, so the in-process relay publishes at once.
    written: std::sync::Arc<tokio::sync::Notify>,
    /// Lets one relay of this process claim the outbox at a time.
    relay_turn: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Creates waiting to share a transaction.
    creates: std::sync::Arc<create_batch::CreateBatcher>,
}

/// One live task of an owner: `?1` id, `?2` owner. Reads and the write transaction share it.
pub(super) const SELECT_ONE: &str = concat!(
    "SELECT ",
    task_columns!(),
    " FROM tasks t WHERE t.id = ?1 AND t.owner_id = ?2 AND t.deleted_at IS NULL"
);

#[derive(sqlx::FromRow)]
struct SqliteTaskRow {
    id: i64,
    owner_id: String,
    title: String,
    description: Option<String>,
    priority: i64,
    tags: String,
    due_at: Option<i64>,
    remind_before_minutes: Option<i64>,
    recurrence: Option<String>,
    status: String,
    completed_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
    version: i64,
    series_id: Option<i64>,
    occurrence: Option<i64>,
}

impl TryFrom<SqliteTaskRow> for Task {
    type Error = Error;

    fn try_from(r: SqliteTaskRow) -> Result<Self> {
        let tags = serde_json::from_str(&r.tags).map_err(|e| Error::Corrupt(format!("task {} tags: {e}", r.id)))?;
        Task::try_from(TaskParts {
            id: r.id,
            owner_id: r.owner_id,
            title: r.title,
            description: r.description,
            priority: r.priority,
            tags,
            due_at: from_opt_micros(r.due_at)?,
            remind_before_minutes: r.remind_before_minutes,
            recurrence: r.recurrence,
            status: r.status,
            completed_at: from_opt_micros(r.completed_at)?,
            created_at: from_micros(r.created_at)?,
            updated_at: from_micros(r.updated_at)?,
            version: r.version,
            series_id: r.series_id,
            occurrence: r.occurrence,
        })
    }
}

fn tags_json(tags: &[String]) -> String {
    serde_json::Value::from(tags).to_string()
}

impl SqliteTaskStore {
    /// Opens (creating if needed) the database file of a `sqlite://` URL and applies the migrations.
    ///
    /// # Errors
    /// Fails when the file cannot be opened or a migration fails.
    pub async fn connect(url: &str) -> Result<Self> {
        let Pools { writer, reader } = Pools::open(url, 4, async |writer| -> Result<()> {
            todo_db::migrate::apply_to_pool(sqlx::migrate!("./migrations/sqlite"), writer).await?;
            Ok(())
        })
        .await?;
        Ok(Self {
            reader,
            writer,
            written: std::sync::Arc::default(),
            relay_turn: std::sync::Arc::default(),
            creates: std::sync::Arc::default(),
        })
    }

    /// The shared write path on the writer connection, then a wake-up for the relay.
    async fn modify<F>(&self, ctx: &WriteContext, id: i64, expected: Option<i64>, change: F) -> Result<Task>
    where
        F: FnOnce(&Task) -> Result<Option<todo_domain::Mutation>> + Send,
    {
        let task = write::modify(self.begin().await?, ctx, id, expected, change).await?;
        self.written.notify_one();
        Ok(task)
    }

    async fn begin(&self) -> Result<SqliteWrite> {
        Ok(SqliteWrite(self.writer.begin_with("BEGIN IMMEDIATE").await?))
    }
}

#[derive(sqlx::FromRow)]
struct SqliteHistoryRow {
    id: i64,
    task_id: i64,
    actor_id: String,
    action: String,
    changes: String,
    version: i64,
    at: i64,
}

#[async_trait]
impl TaskStore for SqliteTaskStore {
    #[tracing::instrument(name = "db.tasks.create", skip_all, fields(otel.kind = "client", db.system = "sqlite"))]
    async fn create(&self, ctx: &WriteContext, task: NewTask) -> Result<Task> {
        let task = self.creates.create(&self.writer, ctx, task).await?;
        self.written.notify_one();
        Ok(task)
    }

    #[tracing::instrument(name = "db.tasks.get", skip_all, fields(otel.kind = "client", db.system = "sqlite"))]
    async fn get(&self, owner_id: &str, id: i64) -> Result<Task> {
        let row: Option<SqliteTaskRow> = sqlx::query_as(SELECT_ONE)
            .bind(id)
            .bind(owner_id)
            .fetch_optional(&self.reader)
            .await?;
        row.map(Task::try_from).transpose()?.ok_or(Error::NotFound(id))
    }

    #[tracing::instrument(name = "db.tasks.list", skip_all, fields(otel.kind = "client", db.system = "sqlite"))]
    async fn list(&self, owner_id: &str, query: &ListQuery) -> Result<Page> {
        let sql = list_sql(Dialect::Sqlite, owner_id, query);
        let mut q = sqlx::query_as::<_, SqliteTaskRow>(sqlx::AssertSqlSafe(sql.text));
        for value in sql.values {
            q = match value {
                SqlValue::Int(i) => q.bind(i),
                SqlValue::Text(s) => q.bind(s),
                SqlValue::Time(t) => q.bind(micros(t)),
                SqlValue::TextList(l) => q.bind(tags_json(&l)),
            };
        }
        let rows = q.fetch_all(&self.reader).await?;
        let items = rows.into_iter().map(Task::try_from).collect::<Result<Vec<_>>>()?;
        Ok(into_page(items, query))
    }

    #[tracing::instrument(name = "db.tasks.apply_change", skip_all, fields(otel.kind = "client", db.system = "sqlite"))]
    async fn apply_change(
        &self,
        ctx: &WriteContext,
        id: i64,
        expected: Option<i64>,
        change: &super::ChangeFn<'_>,
    ) -> Result<Task> {
        self.modify(ctx, id, expected, change).await
    }

    #[tracing::instrument(name = "db.tasks.history", skip_all, fields(otel.kind = "client", db.system = "sqlite"))]
    async fn history(&self, owner_id: &str, id: i64) -> Result<Vec<HistoryEntry>> {
        self.get(owner_id, id).await?;
        let rows: Vec<SqliteHistoryRow> = sqlx::query_as(
            "SELECT id, task_id, actor_id, action, changes, version, at FROM task_history \
             WHERE task_id = ?1 AND owner_id = ?2 ORDER BY id",
        )
        .bind(id)
        .bind(owner_id)
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter()
            .map(|r| {
                let changes =
                    serde_json::from_str(&r.changes).map_err(|e| Error::Corrupt(format!("history {}: {e}", r.id)))?;
                Ok(HistoryEntry::from(HistoryParts {
                    id: r.id,
                    task_id: r.task_id,
                    actor_id: r.actor_id,
                    action: r.action,
                    changes,
                    version: r.version,
                    at: from_micros(r.at)?,
                }))
            })
            .collect()
    }

    async fn list_version(&self, owner_id: &str) -> Result<i64> {
        let version: Option<i64> = sqlx::query_scalar("SELECT version FROM task_list_versions WHERE owner_id = ?1")
            .bind(owner_id)
            .fetch_optional(&self.reader)
            .await?;
        Ok(version.unwrap_or(0))
    }

    async fn owned_by_another(&self, owner_id: &str, id: i64) -> Result<bool> {
        let found: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM tasks WHERE id = ?1 AND owner_id <> ?2)")
            .bind(id)
            .bind(owner_id)
            .fetch_one(&self.reader)
            .await?;
        Ok(found)
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }

    #[tracing::instrument(name = "db.tasks.create_occurrence", skip_all, fields(otel.kind = "client", db.system = "sqlite"))]
    async fn create_occurrence(
        &self,
        ctx: &WriteContext,
        task: NewTask,
        position: todo_domain::SeriesPosition,
    ) -> Result<Option<Task>> {
        let task = write::create_at(self.begin().await?, ctx, &task, Some(position)).await?;
        self.written.notify_one();
        Ok(task)
    }

    async fn due_tasks(
        &self,
        kind: crate::store::DueKind,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<crate::store::DueTask>> {
        self.pending_due(kind, now, limit).await
    }

    async fn mark_due(
        &self,
        kind: crate::store::DueKind,
        task: &crate::store::DueTask,
        now: DateTime<Utc>,
        events: &[todo_events::DomainEvent],
    ) -> Result<bool> {
        self.mark(kind, task, now, events).await
    }

    async fn restore_created(&self, ctx: &WriteContext, task: &Task) -> Result<bool> {
        self.insert_restored(ctx, task).await
    }
}
