//! The read model in SQLite: the embedded mode's store, a file (often the task store's own).
//!
//! As in the task store, one writer connection (SQLite has one writer at a time; queuing in the
//! pool is cheaper than busy retries) and a few readers, in WAL mode with a busy timeout for the
//! other writers of a shared file. Times are microseconds since the epoch, days `YYYY-MM-DD` text.

mod apply;
mod audit;
mod query;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::SqlitePool;
use sqlx::sqlite::SqlitePoolOptions;
use todo_kit::handler::EventHandler;
use todo_kit::idempotency::Idempotent;

pub(crate) use apply::apply;

use crate::handler::AnalyticsHandler;
use crate::model::{CONSUMER, CounterTotal, Metric, ReadModel, TaskTotals};
use crate::range::{DayRange, TimeRange};
use crate::{Error, Result};

/// The tables and indexes, created at connect unless they exist.
const SCHEMA: &str = include_str!("schema.sql");

/// The read model in a SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteReadModel {
    reader: SqlitePool,
    writer: SqlitePool,
    handler: Arc<Idempotent<AnalyticsHandler, sqlx::Sqlite>>,
}

fn micros(time: DateTime<Utc>) -> i64 {
    time.timestamp_micros()
}

fn time(micros: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_micros(micros).ok_or_else(|| Error::Corrupt(format!("time {micros} is out of range")))
}

fn opt_time(micros: Option<i64>) -> Result<Option<DateTime<Utc>>> {
    micros.map(time).transpose()
}

impl SqliteReadModel {
    /// Opens (creating if needed) the file of a `sqlite://` URL and prepares the tables.
    ///
    /// # Errors
    /// When the file cannot be opened or the tables cannot be created.
    pub async fn connect(url: &str) -> Result<Self> {
        let options = todo_db::sqlite::options(url)?;
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        sqlx::raw_sql(SCHEMA).execute(&writer).await?;
        // An in-memory database exists once per connection, so it cannot have separate readers.
        let in_memory = todo_db::sqlite::in_memory(url);
        let reader = if in_memory {
            writer.clone()
        } else {
            SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(options.read_only(true))
                .await?
        };
        let handler = Arc::new(Idempotent::new(writer.clone(), AnalyticsHandler).await?);
        Ok(Self {
            reader,
            writer,
            handler,
        })
    }
}

#[async_trait]
impl ReadModel for SqliteReadModel {
    fn handler(&self) -> Arc<dyn EventHandler> {
        self.handler.clone()
    }

    async fn task_totals(&self, user_id: &str, range: &TimeRange, now: DateTime<Utc>) -> Result<TaskTotals> {
        query::task_totals(&self.reader, user_id, range, now).await
    }

    async fn completion_times(&self, user_id: &str, range: &TimeRange) -> Result<Vec<i64>> {
        query::completion_times(&self.reader, user_id, range).await
    }

    async fn counters(&self, user_id: &str, days: &DayRange) -> Result<Vec<CounterTotal>> {
        query::counters(&self.reader, user_id, days).await
    }

    async fn audit(&self, query: &crate::audit::AuditQuery) -> Result<Vec<crate::audit::AuditEntry>> {
        audit::page(&self.reader, query).await
    }

    async fn daily(&self, user_id: &str, metric: Metric, days: &DayRange) -> Result<Vec<(NaiveDate, i64)>> {
        query::daily(&self.reader, user_id, metric, days).await
    }

    #[tracing::instrument(name = "analytics.reset", skip(self))]
    async fn reset(&self) -> Result<()> {
        // The one writer connection serializes this with the live handler's transactions.
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        for statement in [
            "DELETE FROM analytics_tasks",
            "DELETE FROM analytics_completions",
            "DELETE FROM analytics_counters",
        ] {
            sqlx::query(statement).execute(&mut *tx).await?;
        }
        sqlx::query("DELETE FROM processed_events WHERE consumer = ?1")
            .bind(CONSUMER)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }
}
