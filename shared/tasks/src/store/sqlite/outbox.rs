//! The SQLite outbox, for the one process that owns the database file: a claim takes an in-process
//! lock (so relays in this process take turns, as they do on PostgreSQL) and reads the oldest
//! unpublished rows without a transaction (the single writer connection must never wait on a
//! broker); marking them published is one short write. Task writes wake the relay in process.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{SqliteTaskStore, micros, opt_time, time};
use crate::store::outbox::{Backlog, Outbox, OutboxClaim, OutboxRow};
use crate::{Error, Result};

#[derive(sqlx::FromRow)]
struct SqliteOutboxRow {
    id: i64,
    event_id: String,
    event_type: String,
    topic: String,
    partition_key: Option<String>,
    event_data: String,
    created_at: i64,
    published_at: Option<i64>,
}

impl TryFrom<SqliteOutboxRow> for OutboxRow {
    type Error = Error;

    fn try_from(r: SqliteOutboxRow) -> Result<Self> {
        Ok(OutboxRow {
            id: r.id,
            event_id: r
                .event_id
                .parse()
                .map_err(|e| Error::Corrupt(format!("outbox {}: {e}", r.id)))?,
            event_type: r.event_type,
            topic: r.topic,
            partition_key: r.partition_key,
            event_data: serde_json::from_str(&r.event_data)
                .map_err(|e| Error::Corrupt(format!("outbox {}: {e}", r.id)))?,
            created_at: time(r.created_at)?,
            published_at: opt_time(r.published_at)?,
        })
    }
}

struct SqliteClaim {
    store: SqliteTaskStore,
    rows: Vec<OutboxRow>,
    /// Held until the claim is marked or dropped.
    _turn: tokio::sync::OwnedMutexGuard<()>,
}

#[async_trait]
impl OutboxClaim for SqliteClaim {
    fn rows(&self) -> &[OutboxRow] {
        &self.rows
    }

    async fn mark_published(self: Box<Self>, at: DateTime<Utc>) -> Result<()> {
        let ids: Vec<i64> = self.rows.iter().map(|r| r.id).collect();
        sqlx::query("UPDATE outbox SET published_at = ?1 WHERE id IN (SELECT value FROM json_each(?2))")
            .bind(micros(at))
            .bind(serde_json::Value::from(ids).to_string())
            .execute(&self.store.writer)
            .await?;
        Ok(())
    }

    async fn release(self: Box<Self>) -> Result<()> {
        Ok(())
    }
}

#[async_trait]
impl Outbox for SqliteTaskStore {
    async fn claim(&self, limit: i64) -> Result<Option<Box<dyn OutboxClaim>>> {
        let Ok(turn) = self.relay_turn.clone().try_lock_owned() else {
            return Ok(None);
        };
        let rows = self.unpublished_outbox(limit).await?;
        Ok(Some(Box::new(SqliteClaim {
            store: self.clone(),
            rows,
            _turn: turn,
        })))
    }

    async fn wait_for_rows(&self, max_wait: Duration) {
        let _ = tokio::time::timeout(max_wait, self.written.notified()).await;
    }

    async fn backlog(&self) -> Result<Backlog> {
        let (pending, oldest): (i64, Option<i64>) = sqlx::query_as(
            "SELECT count(*), (SELECT created_at FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT 1) \
             FROM outbox WHERE published_at IS NULL",
        )
        .fetch_one(&self.reader)
        .await?;
        Ok(Backlog {
            pending,
            oldest: opt_time(oldest)?,
        })
    }

    async fn prune_published(&self, before: DateTime<Utc>) -> Result<u64> {
        let done = sqlx::query("DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < ?1")
            .bind(micros(before))
            .execute(&self.writer)
            .await?;
        Ok(done.rows_affected())
    }

    async fn unpublished_outbox(&self, limit: i64) -> Result<Vec<OutboxRow>> {
        let rows: Vec<SqliteOutboxRow> = sqlx::query_as(
            "SELECT id, event_id, event_type, topic, partition_key, event_data, created_at, published_at \
             FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT ?1",
        )
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter().map(OutboxRow::try_from).collect()
    }
}
