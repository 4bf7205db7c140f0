//! Task stores: one trait, a PostgreSQL implementation for the cluster and a SQLite one for the
//! embedded default. Both keep the task, its history and its outbox events in one transaction.

mod batches;
mod create_row;
mod enqueue;
mod list_sql;
mod outbox;
mod outbox_columns;
mod postgres;
mod read;
pub mod replay;
mod rows;
mod schedule;
mod sqlite;
mod write;

use std::sync::Arc;

use async_trait::async_trait;

pub use create_row::CreateRow;
pub use enqueue::{enqueue_postgres, enqueue_sqlite};
pub use outbox::{Backlog, Outbox, OutboxClaim, OutboxLeader, OutboxRow};
pub(crate) use outbox::{Held, InFlight};
pub use outbox_columns::OutboxColumns;
pub use postgres::{MAX_CONNECTIONS_VARIABLE, PostgresTaskStore};
pub use schedule::{DUE_SOON_WINDOW, DueKind, DueTask};
pub use sqlite::SqliteTaskStore;

use chrono::{DateTime, Utc};
use todo_events::DomainEvent;

use todo_db::Engine;
use todo_domain::query::{ListQuery, Page};
use todo_domain::{HistoryEntry, Mutation, NewTask, SeriesPosition, Task, TaskPatch, WriteContext, change};

use crate::{Error, Result};

/// A change of one task as the write path runs it (see [`TaskStore::apply_change`]).
pub type ChangeFn<'a> = dyn for<'t> Fn(&'t Task) -> Result<Option<Mutation>> + Send + Sync + 'a;

/// Where tasks live. Every method is scoped to one user: another user's task is `NotFound`.
///
/// `expected_version` is the caller's `If-Match`: when given and different from the stored
/// version, the write is refused with `VersionConflict` and nothing changes.
#[async_trait]
pub trait TaskStore: Outbox + Send + Sync + std::fmt::Debug {
    /// Creates a task and records `created` history and a `task.created` event.
    async fn create(&self, ctx: &WriteContext, task: NewTask) -> Result<Task>;
    /// One task of `owner_id`.
    async fn get(&self, owner_id: &str, id: i64) -> Result<Task>;
    /// One page of `owner_id`'s tasks.
    async fn list(&self, owner_id: &str, query: &ListQuery) -> Result<Page>;
    /// The store's write path: reads the caller's task, checks `expected_version`, computes
    /// `change` (`None`: nothing to write) and persists task, history and outbox rows at once.
    /// The operations below are this with a change from `domain::change`.
    async fn apply_change(
        &self,
        ctx: &WriteContext,
        id: i64,
        expected_version: Option<i64>,
        change: &ChangeFn<'_>,
    ) -> Result<Task>;
    /// Applies a partial update; a patch that changes nothing returns the task unchanged.
    async fn update(
        &self,
        ctx: &WriteContext,
        id: i64,
        expected_version: Option<i64>,
        patch: TaskPatch,
    ) -> Result<Task> {
        self.apply_change(ctx, id, expected_version, &|t| Ok(change::apply_patch(t, &patch, ctx)?))
            .await
    }
    /// Completes a task; completing a completed task changes nothing.
    async fn complete(&self, ctx: &WriteContext, id: i64, expected_version: Option<i64>) -> Result<Task> {
        self.apply_change(ctx, id, expected_version, &|t| Ok(change::complete(t, ctx)))
            .await
    }
    /// Reopens a completed task; reopening a pending task changes nothing.
    async fn reopen(&self, ctx: &WriteContext, id: i64, expected_version: Option<i64>) -> Result<Task> {
        self.apply_change(ctx, id, expected_version, &|t| Ok(change::reopen(t, ctx)))
            .await
    }
    /// Deletes a task (it stays in history) and records a `task.deleted` event.
    async fn delete(
        &self,
        ctx: &WriteContext,
        id: i64,
        expected_version: Option<i64>,
        reason: Option<String>,
    ) -> Result<()> {
        self.apply_change(ctx, id, expected_version, &|t| {
            Ok(Some(change::delete(t, reason.clone(), ctx)))
        })
        .await?;
        Ok(())
    }
    /// Every change of one task, oldest first.
    async fn history(&self, owner_id: &str, id: i64) -> Result<Vec<HistoryEntry>>;
    /// A counter that moves whenever any of `owner_id`'s tasks changes (0 before the first write).
    /// A list read after reading the counter is at least as new as the counter says. Writes
    /// through this store show at once; PostgreSQL serves the counter from memory kept current
    /// by notifications, so writes through another store show once their notification arrived.
    async fn list_version(&self, owner_id: &str) -> Result<i64>;
    /// Checks that the database answers.
    async fn ping(&self) -> Result<()>;
    /// Whether task `id` exists and belongs to someone other than `owner_id`: what the audit
    /// trail calls an access to another user's resource (the caller still gets `NotFound`).
    async fn owned_by_another(&self, owner_id: &str, id: i64) -> Result<bool>;

    /// Creates occurrence `position` of a recurring series for `ctx.user_id`, with its history and
    /// `task.created` event; `None`, with nothing written, when the series already has it (so a
    /// repeated or concurrent request creates it once).
    async fn create_occurrence(
        &self,
        ctx: &WriteContext,
        task: NewTask,
        position: SeriesPosition,
    ) -> Result<Option<Task>>;

    /// Pending tasks of every user owed a `kind` announcement at `now`, earliest due first.
    async fn due_tasks(&self, kind: DueKind, now: DateTime<Utc>, limit: i64) -> Result<Vec<DueTask>>;

    /// Records the `kind` announcement of `task` and enqueues `events` in one transaction, if the
    /// task is still pending and due at `task.due_at` and was not announced yet; `false` otherwise
    /// (nothing written).
    async fn mark_due(&self, kind: DueKind, task: &DueTask, now: DateTime<Utc>, events: &[DomainEvent])
    -> Result<bool>;

    /// Puts back a task as an archived `task.created` describes it (see [`replay`]), with its id,
    /// its `created` history and its list version, and no event; `false`, with nothing written,
    /// when a task with that id exists. Ids handed out later are above it.
    async fn restore_created(&self, ctx: &WriteContext, task: &Task) -> Result<bool>;
}

/// Opens the store a database URL names (`postgres://...` or `sqlite://...`), creating the
/// SQLite file if needed, and applies the migrations.
///
/// # Errors
/// Fails when the URL names no supported database, or connecting or migrating fails.
pub async fn connect(database_url: &str) -> Result<Arc<dyn TaskStore>> {
    match Engine::of_url(database_url).map_err(|e| Error::InvalidQuery(format!("DATABASE_URL: {e}")))? {
        Engine::Postgres => Ok(Arc::new(PostgresTaskStore::connect(database_url).await?)),
        Engine::Sqlite => Ok(Arc::new(SqliteTaskStore::connect(database_url).await?)),
    }
}
