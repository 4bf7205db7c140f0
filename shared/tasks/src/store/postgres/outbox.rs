//! The PostgreSQL outbox: claims under a transaction-scoped advisory lock (one relay publishes at a
//! time; others get `None` and retry), rows locked `FOR UPDATE SKIP LOCKED`, wake-ups through
//! `LISTEN outbox` (the insert trigger notifies after each write commits).

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::postgres::PgListener;
use sqlx::types::Json;
use sqlx::{Postgres, Transaction};

use super::PostgresTaskStore;
use crate::Result;
use crate::store::outbox::{Backlog, Outbox, OutboxClaim, OutboxRow};

/// The advisory lock key of the outbox relay (any constant shared by every relay).
const RELAY_LOCK: i64 = 0x6f75_7462_6f78; // "outbox"

#[derive(sqlx::FromRow)]
struct PgOutboxRow {
    id: i64,
    event_id: uuid::Uuid,
    event_type: String,
    topic: String,
    partition_key: Option<String>,
    event_data: Json<serde_json::Value>,
    created_at: DateTime<Utc>,
    published_at: Option<DateTime<Utc>>,
}

impl From<PgOutboxRow> for OutboxRow {
    fn from(r: PgOutboxRow) -> Self {
        OutboxRow {
            id: r.id,
            event_id: r.event_id,
            event_type: r.event_type,
            topic: r.topic,
            partition_key: r.partition_key,
            event_data: r.event_data.0,
            created_at: r.created_at,
            published_at: r.published_at,
        }
    }
}

const COLUMNS: &str = "id, event_id, event_type, topic, partition_key, event_data, created_at, published_at";

struct PgClaim {
    tx: Transaction<'static, Postgres>,
    rows: Vec<OutboxRow>,
}

#[async_trait]
impl OutboxClaim for PgClaim {
    fn rows(&self) -> &[OutboxRow] {
        &self.rows
    }

    async fn mark_published(self: Box<Self>, at: DateTime<Utc>) -> Result<()> {
        let Self { mut tx, rows } = *self;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        sqlx::query("UPDATE outbox SET published_at = $1 WHERE id = ANY($2)")
            .bind(at)
            .bind(&ids)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn release(self: Box<Self>) -> Result<()> {
        self.tx.rollback().await?;
        Ok(())
    }
}

/// A claim of nothing: no transaction, nothing to mark.
struct EmptyClaim;

#[async_trait]
impl OutboxClaim for EmptyClaim {
    fn rows(&self) -> &[OutboxRow] {
        &[]
    }

    async fn mark_published(self: Box<Self>, _at: DateTime<Utc>) -> Result<()> {
        Ok(())
    }

    async fn release(self: Box<Self>) -> Result<()> {
        Ok(())
    }
}

#[async_trait]
impl Outbox for PostgresTaskStore {
    async fn claim(&self, limit: i64) -> Result<Option<Box<dyn OutboxClaim>>> {
        let mut tx = self.pool.begin().await?;
        let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
            .bind(RELAY_LOCK)
            .fetch_one(&mut *tx)
            .await?;
        if !locked {
            tx.rollback().await?;
            return Ok(None);
        }
        let rows: Vec<PgOutboxRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED"
        )))
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        if rows.is_empty() {
            // End the transaction now: left to a lazy rollback, it would keep the advisory lock on
            // an idle pooled connection, and the next claim would find the outbox "busy".
            tx.rollback().await?;
            return Ok(Some(Box::new(EmptyClaim)));
        }
        Ok(Some(Box::new(PgClaim {
            tx,
            rows: rows.into_iter().map(OutboxRow::from).collect(),
        })))
    }

    async fn wait_for_rows(&self, max_wait: Duration) {
        let mut listener = self.listener.lock().await;
        if listener.is_none() {
            match PgListener::connect_with(&self.pool).await {
                Ok(mut new) => match new.listen("outbox").await {
                    Ok(()) => *listener = Some(new),
                    Err(error) => tracing::warn!(%error, "cannot LISTEN outbox; polling"),
                },
                Err(error) => tracing::warn!(%error, "cannot open a listener connection; polling"),
            }
        }
        match listener.as_mut() {
            Some(active) => {
                if let Ok(Err(error)) = tokio::time::timeout(max_wait, active.recv()).await {
                    tracing::warn!(%error, "outbox listener failed; reconnecting on the next wait");
                    *listener = None;
                }
            }
            None => tokio::time::sleep(max_wait).await,
        }
    }

    async fn backlog(&self) -> Result<Backlog> {
        let (pending, oldest): (i64, Option<DateTime<Utc>>) = sqlx::query_as(
            "SELECT count(*), (SELECT created_at FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT 1) \
             FROM outbox WHERE published_at IS NULL",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(Backlog { pending, oldest })
    }

    async fn prune_published(&self, before: DateTime<Utc>) -> Result<u64> {
        let done = sqlx::query("DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < $1")
            .bind(before)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn unpublished_outbox(&self, limit: i64) -> Result<Vec<OutboxRow>> {
        let rows: Vec<PgOutboxRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1"
        )))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(OutboxRow::from).collect())
    }
}
