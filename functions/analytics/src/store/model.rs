//! The read model over either engine: a writer pool for the handler's transactions and resets, a
//! reader pool for the queries (the same pool on PostgreSQL), and the idempotent handler.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{Database, Pool};
use todo_kit::handler::EventHandler;
use todo_kit::idempotency::{Idempotent, TransactionalHandler};

use super::dialect::Dialect;
use super::sql::Sql;
use crate::Result;
use crate::audit::{AuditEntry, AuditQuery};
use crate::handler::AnalyticsHandler;
use crate::model::{CounterTotal, Metric, ReadModel, TaskTotals};
use crate::range::{DayRange, TimeRange};

/// The read model in a database of engine `DB`: [`PostgresReadModel`](super::PostgresReadModel)
/// or [`SqliteReadModel`](super::SqliteReadModel).
#[derive(Debug, Clone)]
pub struct SqlReadModel<DB: Database> {
    writer: Pool<DB>,
    reader: Pool<DB>,
    handler: Arc<Idempotent<AnalyticsHandler, DB>>,
}

/// The model on `writer` and `reader`, once [`migrate`] has run on `writer`.
///
/// # Errors
/// When the idempotency keys' table cannot be created.
pub(super) async fn open<D: Dialect>(writer: Pool<D>, reader: Pool<D>) -> Result<SqlReadModel<D>>
where
    AnalyticsHandler: TransactionalHandler<D>,
{
    let handler = Arc::new(Idempotent::new(writer.clone(), AnalyticsHandler).await?);
    Ok(SqlReadModel {
        writer,
        reader,
        handler,
    })
}

/// Applies the read model's migrations (versions 2000-2999) unless done.
///
/// # Errors
/// `Database` when a migration fails.
pub(super) async fn migrate<D: Dialect>(pool: &Pool<D>) -> Result<()> {
    todo_db::migrate::apply_to_pool(D::migrator(), pool)
        .await
        .map_err(|e| sqlx::Error::Migrate(Box::new(e)).into())
}

#[async_trait]
impl<D: Sql> ReadModel for SqlReadModel<D>
where
    AnalyticsHandler: TransactionalHandler<D>,
{
    fn handler(&self) -> Arc<dyn EventHandler> {
        self.handler.clone()
    }

    async fn task_totals(&self, user_id: &str, range: &TimeRange, now: DateTime<Utc>) -> Result<TaskTotals> {
        D::task_totals(&self.reader, user_id, range, now).await
    }

    async fn completion_times(&self, user_id: &str, range: &TimeRange) -> Result<Vec<i64>> {
        D::completion_times(&self.reader, user_id, range).await
    }

    async fn counters(&self, user_id: &str, days: &DayRange) -> Result<Vec<CounterTotal>> {
        D::counters(&self.reader, user_id, days).await
    }

    async fn audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>> {
        D::audit_page(&self.reader, query).await
    }

    async fn daily(&self, user_id: &str, metric: Metric, days: &DayRange) -> Result<Vec<(NaiveDate, i64)>> {
        D::daily(&self.reader, user_id, metric, days).await
    }

    /// Waits for the live consumer's open transactions to end and keeps new ones out until the
    /// model is empty ([`Dialect::LOCK_FOR_RESET`], or SQLite's one writer): each of their events
    /// then counts either before (and is deleted with its key) or after (and the replay finds its
    /// key taken), never twice.
    #[tracing::instrument(name = "analytics.reset", skip(self))]
    async fn reset(&self) -> Result<()> {
        D::empty(&self.writer).await
    }

    async fn ping(&self) -> Result<()> {
        D::ping(&self.reader).await
    }
}
