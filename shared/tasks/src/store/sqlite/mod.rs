//! The SQLite task store: the embedded default, one file under `./data`.
//!
//! One writer connection (SQLite allows one writer at a time; queuing in the pool is cheaper than
//! busy retries) and a few reader connections in WAL mode; concurrent creates share a
//! transaction (`create_batch`). Times are stored as microseconds since
//! the epoch so they sort and compare exactly; tags as a JSON array; search uses FTS5.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Arguments;
use sqlx::error::BoxDynError;
use sqlx::sqlite::{SqliteArguments, SqlitePool};
use todo_db::sqlite::Pools;
use todo_db::time::{from_micros, from_opt_micros, micros};

mod create_batch;
mod list_versions;
mod outbox;
mod restore;
mod schedule;
mod writes;

use super::TaskStore;
use super::list_sql::{Dialect, SqlValue};
use super::read;
use super::rows::{HistoryParts, TaskParts, tags_json};
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
    /// Owners' list versions while the file has not changed.
    versions: std::sync::Arc<list_versions::ListVersions>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct SqliteTaskRow {
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
            versions: std::sync::Arc::new(list_versions::ListVersions::new(url)),
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
pub(crate) struct SqliteHistoryRow {
    id: i64,
    task_id: i64,
    actor_id: String,
    action: String,
    changes: String,
    version: i64,
    at: i64,
}

impl TryFrom<SqliteHistoryRow> for HistoryEntry {
    type Error = Error;

    fn try_from(r: SqliteHistoryRow) -> Result<Self> {
        let changes = serde_json::from_str(&r.changes).map_err(|e| Error::Corrupt(format!("history {}: {e}", r.id)))?;
        Ok(HistoryEntry::from(HistoryParts {
            id: r.id,
            task_id: r.task_id,
            actor_id: r.actor_id,
            action: r.action,
            changes,
            version: r.version,
            at: from_micros(r.at)?,
        }))
    }
}

impl read::Engine for sqlx::Sqlite {
    const DIALECT: Dialect = Dialect::Sqlite;
    type TaskRow = SqliteTaskRow;
    type HistoryRow = SqliteHistoryRow;
    type Number = read::Number;

    fn bind(arguments: &mut SqliteArguments, value: SqlValue) -> std::result::Result<(), BoxDynError> {
        match value {
            SqlValue::Int(i) => arguments.add(i),
            SqlValue::Text(s) => arguments.add(s),
            SqlValue::Time(t) => arguments.add(micros(t)),
            SqlValue::TextList(l) => arguments.add(tags_json(&l)),
        }
    }
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
        read::task(&self.reader, owner_id, id).await
    }

    #[tracing::instrument(name = "db.tasks.list", skip_all, fields(otel.kind = "client", db.system = "sqlite"))]
    async fn list(&self, owner_id: &str, query: &ListQuery) -> Result<Page> {
        read::page(&self.reader, owner_id, query).await
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
        read::history(&self.reader, owner_id, id).await
    }

    async fn list_version(&self, owner_id: &str) -> Result<i64> {
        let before = match self.versions.lookup(owner_id) {
            Ok(version) => return Ok(version),
            Err(before) => before,
        };
        let version = read::list_version(&self.reader, owner_id).await?;
        if let Some(before) = before {
            self.versions.remember(owner_id, version, before);
        }
        Ok(version)
    }

    async fn owned_by_another(&self, owner_id: &str, id: i64) -> Result<bool> {
        read::owned_by_another(&self.reader, owner_id, id).await
    }

    async fn ping(&self) -> Result<()> {
        read::ping(&self.reader).await
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
