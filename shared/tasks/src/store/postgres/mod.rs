//! The PostgreSQL task store: the cluster's system of record.
//!
//! Writes are single statements (see `writes`), and concurrent creates share one (`create_batch`).
//! Search uses a generated `tsvector` column with a GIN index; tags are a `text[]` with a GIN index.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Arguments;
use sqlx::Row;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArguments, PgPool, PgPoolOptions, PgRow};
use sqlx::types::Json;

mod change_signal;
mod create_batch;
mod list_versions;
mod outbox;
mod restore;
mod schedule;
mod task_ids;
mod writes;

use super::TaskStore;
use super::list_sql::{Dialect, SqlValue};
use super::read;
use super::rows::{HistoryParts, TaskParts};
use todo_domain::query::{ListQuery, Page};
use todo_domain::{HistoryEntry, NewTask, Task, WriteContext};

/// The variable that sizes the PostgreSQL pool (functions list it among their settings).
pub const MAX_CONNECTIONS_VARIABLE: &str = "DATABASE_MAX_CONNECTIONS";
use crate::{Error, Result};

/// Tasks in PostgreSQL.
#[derive(Debug, Clone)]
pub struct PostgresTaskStore {
    pool: PgPool,
    /// The `LISTEN outbox` connection of a relay, opened on its first wait.
    listener: std::sync::Arc<tokio::sync::Mutex<Option<sqlx::postgres::PgListener>>>,
    /// Owners' list versions kept current by notifications (started by the first read).
    versions: std::sync::Arc<list_versions::ListVersions>,
    /// Ids for new tasks, fetched a block at a time.
    task_ids: std::sync::Arc<task_ids::TaskIds>,
    /// Creates waiting to share a statement.
    creates: std::sync::Arc<create_batch::CreateBatcher>,
    /// Notifies the relay and other stores after writes commit.
    change_signal: std::sync::Arc<change_signal::ChangeSignal>,
}

/// A task row, decoded by position in `task_columns!()` order: lists decode 50 rows per request,
/// and looking each column up by name was a fifth of the request's CPU time.
pub(crate) struct PgTaskRow {
    id: i64,
    owner_id: String,
    title: String,
    description: Option<String>,
    priority: i16,
    tags: Vec<String>,
    due_at: Option<DateTime<Utc>>,
    remind_before_minutes: Option<i64>,
    recurrence: Option<String>,
    status: String,
    completed_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
    series_id: Option<i64>,
    occurrence: Option<i64>,
}

impl<'r> sqlx::FromRow<'r, PgRow> for PgTaskRow {
    fn from_row(row: &'r PgRow) -> std::result::Result<Self, sqlx::Error> {
        Ok(Self {
            id: row.try_get(0)?,
            owner_id: row.try_get(1)?,
            title: row.try_get(2)?,
            description: row.try_get(3)?,
            priority: row.try_get(4)?,
            tags: row.try_get(5)?,
            due_at: row.try_get(6)?,
            remind_before_minutes: row.try_get(7)?,
            recurrence: row.try_get(8)?,
            status: row.try_get(9)?,
            completed_at: row.try_get(10)?,
            created_at: row.try_get(11)?,
            updated_at: row.try_get(12)?,
            version: row.try_get(13)?,
            series_id: row.try_get(14)?,
            occurrence: row.try_get(15)?,
        })
    }
}

impl TryFrom<PgTaskRow> for Task {
    type Error = Error;

    fn try_from(r: PgTaskRow) -> Result<Self> {
        Task::try_from(TaskParts {
            id: r.id,
            owner_id: r.owner_id,
            title: r.title,
            description: r.description,
            priority: i64::from(r.priority),
            tags: r.tags,
            due_at: r.due_at,
            remind_before_minutes: r.remind_before_minutes,
            recurrence: r.recurrence,
            status: r.status,
            completed_at: r.completed_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
            series_id: r.series_id,
            occurrence: r.occurrence,
        })
    }
}

impl PostgresTaskStore {
    /// Connects with a pool sized for this machine and applies the migrations.
    ///
    /// The pool holds `DATABASE_MAX_CONNECTIONS` connections, by default twice the CPU count: more
    /// only adds database backends competing for the same cores (measured with `make bench`).
    ///
    /// # Errors
    /// Fails when the database cannot be reached or a migration fails.
    pub async fn connect(url: &str) -> Result<Self> {
        let max = std::env::var(MAX_CONNECTIONS_VARIABLE)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(16);
        let pool = PgPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(std::time::Duration::from_secs(5))
            .connect(url)
            .await?;
        Self::from_pool(pool).await
    }

    /// Uses an existing pool and applies the migrations.
    ///
    /// # Errors
    /// Fails when a migration fails.
    pub async fn from_pool(pool: PgPool) -> Result<Self> {
        todo_db::migrate::apply_to_pool(sqlx::migrate!("./migrations/postgres"), &pool).await?;
        Ok(Self {
            pool,
            listener: std::sync::Arc::default(),
            versions: std::sync::Arc::default(),
            task_ids: std::sync::Arc::default(),
            creates: std::sync::Arc::default(),
            change_signal: std::sync::Arc::default(),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct PgHistoryRow {
    id: i64,
    task_id: i64,
    actor_id: String,
    action: String,
    changes: Json<serde_json::Value>,
    version: i64,
    at: DateTime<Utc>,
}

impl TryFrom<PgHistoryRow> for HistoryEntry {
    type Error = Error;

    fn try_from(r: PgHistoryRow) -> Result<Self> {
        Ok(HistoryEntry::from(HistoryParts {
            id: r.id,
            task_id: r.task_id,
            actor_id: r.actor_id,
            action: r.action,
            changes: r.changes.0,
            version: r.version,
            at: r.at,
        }))
    }
}

impl read::Engine for sqlx::Postgres {
    const DIALECT: Dialect = Dialect::Postgres;
    type TaskRow = PgTaskRow;
    type HistoryRow = PgHistoryRow;
    type Number = read::Number;

    fn bind(arguments: &mut PgArguments, value: SqlValue) -> std::result::Result<(), BoxDynError> {
        match value {
            SqlValue::Int(i) => arguments.add(i),
            SqlValue::Text(s) => arguments.add(s),
            SqlValue::Time(t) => arguments.add(t),
            SqlValue::TextList(l) => arguments.add(l),
        }
    }
}

#[async_trait]
impl TaskStore for PostgresTaskStore {
    #[tracing::instrument(name = "db.tasks.create", skip_all, fields(otel.kind = "client", db.system = "postgresql"))]
    async fn create(&self, ctx: &WriteContext, task: NewTask) -> Result<Task> {
        self.create_task(ctx, task).await
    }

    #[tracing::instrument(name = "db.tasks.get", skip_all, fields(otel.kind = "client", db.system = "postgresql"))]
    async fn get(&self, owner_id: &str, id: i64) -> Result<Task> {
        read::task(&self.pool, owner_id, id).await
    }

    #[tracing::instrument(name = "db.tasks.list", skip_all, fields(otel.kind = "client", db.system = "postgresql"))]
    async fn list(&self, owner_id: &str, query: &ListQuery) -> Result<Page> {
        read::page(&self.pool, owner_id, query).await
    }

    #[tracing::instrument(name = "db.tasks.apply_change", skip_all, fields(otel.kind = "client", db.system = "postgresql"))]
    async fn apply_change(
        &self,
        ctx: &WriteContext,
        id: i64,
        expected: Option<i64>,
        change: &super::ChangeFn<'_>,
    ) -> Result<Task> {
        self.modify(ctx, id, expected, change).await
    }

    #[tracing::instrument(name = "db.tasks.history", skip_all, fields(otel.kind = "client", db.system = "postgresql"))]
    async fn history(&self, owner_id: &str, id: i64) -> Result<Vec<HistoryEntry>> {
        read::history(&self.pool, owner_id, id).await
    }

    async fn list_version(&self, owner_id: &str) -> Result<i64> {
        let start = match self.versions.lookup(&self.pool, owner_id) {
            Ok(version) => return Ok(version),
            Err(start) => start,
        };
        let version = read::list_version(&self.pool, owner_id).await?;
        self.versions.remember(owner_id, version, start);
        Ok(version)
    }

    async fn owned_by_another(&self, owner_id: &str, id: i64) -> Result<bool> {
        read::owned_by_another(&self.pool, owner_id, id).await
    }

    async fn ping(&self) -> Result<()> {
        read::ping(&self.pool).await
    }

    #[tracing::instrument(name = "db.tasks.create_occurrence", skip_all, fields(otel.kind = "client", db.system = "postgresql"))]
    async fn create_occurrence(
        &self,
        ctx: &WriteContext,
        task: NewTask,
        position: todo_domain::SeriesPosition,
    ) -> Result<Option<Task>> {
        self.create_occurrence_task(ctx, task, position).await
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
