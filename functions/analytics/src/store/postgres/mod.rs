//! The read model in PostgreSQL: the cluster's store, shared by every replica of the function.
//! Times are `TIMESTAMPTZ` and days `DATE`; both are UTC.

mod apply;
mod audit;
mod query;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use todo_kit::handler::EventHandler;
use todo_kit::idempotency::Idempotent;

pub(crate) use apply::apply;

use crate::Result;
use crate::handler::AnalyticsHandler;
use crate::model::{CONSUMER, CounterTotal, Metric, ReadModel, TaskTotals};
use crate::range::{DayRange, TimeRange};

/// The tables and indexes, created at connect unless they exist.
const SCHEMA: &str = include_str!("schema.sql");

/// Serializes schema creation across replicas starting at once (`CREATE ... IF NOT EXISTS` is
/// not safe against a concurrent twin in PostgreSQL). Any constant will do; this is "analytic".
const SCHEMA_LOCK: i64 = 0x616e_616c_7974_6963;

/// The read model in a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PostgresReadModel {
    pool: PgPool,
    handler: Arc<Idempotent<AnalyticsHandler, sqlx::Postgres>>,
}

impl PostgresReadModel {
    /// Connects to a `postgres://` URL and prepares the tables.
    ///
    /// # Errors
    /// When the database cannot be reached or the tables cannot be created.
    pub async fn connect(url: &str) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await?;
        Self::new(pool).await
    }

    /// Uses an existing pool (e.g. the task store's, when they share a database) and prepares
    /// the tables.
    ///
    /// # Errors
    /// When the tables cannot be created.
    pub async fn new(pool: PgPool) -> Result<Self> {
        let mut tx = pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(SCHEMA_LOCK)
            .execute(&mut *tx)
            .await?;
        sqlx::raw_sql(SCHEMA).execute(&mut *tx).await?;
        tx.commit().await?;
        let handler = Arc::new(Idempotent::new(pool.clone(), AnalyticsHandler).await?);
        Ok(Self { pool, handler })
    }
}

#[async_trait]
impl ReadModel for PostgresReadModel {
    fn handler(&self) -> Arc<dyn EventHandler> {
        self.handler.clone()
    }

    async fn task_totals(&self, user_id: &str, range: &TimeRange, now: DateTime<Utc>) -> Result<TaskTotals> {
        query::task_totals(&self.pool, user_id, range, now).await
    }

    async fn completion_times(&self, user_id: &str, range: &TimeRange) -> Result<Vec<i64>> {
        query::completion_times(&self.pool, user_id, range).await
    }

    async fn counters(&self, user_id: &str, days: &DayRange) -> Result<Vec<CounterTotal>> {
        query::counters(&self.pool, user_id, days).await
    }

    async fn audit(&self, query: &crate::audit::AuditQuery) -> Result<Vec<crate::audit::AuditEntry>> {
        audit::page(&self.pool, query).await
    }

    async fn daily(&self, user_id: &str, metric: Metric, days: &DayRange) -> Result<Vec<(NaiveDate, i64)>> {
        query::daily(&self.pool, user_id, metric, days).await
    }

    #[tracing::instrument(name = "analytics.reset", skip(self))]
    async fn reset(&self) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        // Waits for the live consumer's open transactions to end and keeps new ones out until
        // the model is empty: each of their events then counts either before (and is deleted
        // with its key) or after (and the replay finds its key taken), never twice.
        sqlx::query("LOCK TABLE analytics_tasks, analytics_completions, analytics_counters IN ACCESS EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await?;
        for statement in [
            "DELETE FROM analytics_tasks",
            "DELETE FROM analytics_completions",
            "DELETE FROM analytics_counters",
        ] {
            sqlx::query(statement).execute(&mut *tx).await?;
        }
        sqlx::query("DELETE FROM processed_events WHERE consumer = $1")
            .bind(CONSUMER)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}
