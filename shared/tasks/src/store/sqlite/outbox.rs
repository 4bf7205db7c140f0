//! The SQLite outbox, for the one process that owns the database file: the leading relay holds an
//! in-process lock; its claims read the oldest unpublished rows that its unfinished claims do not
//! hold, without a transaction (the single writer connection must never wait on a broker), and
//! marking them published is one short write. Task writes wake the relay in process.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::SqliteTaskStore;
use crate::store::outbox::{Backlog, Outbox, OutboxClaim, OutboxLeader, OutboxRow};
use crate::store::{Held, InFlight};
use crate::{Error, Result};
use todo_db::time::{from_micros, from_opt_micros, micros};

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
            event_data: r.event_data,
            created_at: from_micros(r.created_at)?,
            published_at: from_opt_micros(r.published_at)?,
        })
    }
}

struct SqliteClaim {
    store: SqliteTaskStore,
    rows: Vec<OutboxRow>,
    _held: Held,
}

#[async_trait]
impl OutboxClaim for SqliteClaim {
    fn rows(&self) -> &[OutboxRow] {
        &self.rows
    }

    async fn mark_published(self: Box<Self>, at: DateTime<Utc>) -> Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let ids: Vec<i64> = self.rows.iter().map(|r| r.id).collect();
        sqlx::query("UPDATE outbox SET published_at = ?1 WHERE id IN (SELECT value FROM json_each(?2))")
            .bind(micros(at))
            .bind(serde_json::Value::from(ids).to_string())
            .execute(&self.store.writer)
            .await?;
        Ok(())
    }
}

struct SqliteLeader {
    store: SqliteTaskStore,
    in_flight: InFlight,
    /// Held while this relay leads.
    _turn: tokio::sync::OwnedMutexGuard<()>,
}

#[async_trait]
impl OutboxLeader for SqliteLeader {
    async fn claim(&self, limit: i64) -> Result<Box<dyn OutboxClaim>> {
        let (low, high) = self.in_flight.bounds();
        let held: Vec<[i64; 2]> = low.into_iter().zip(high).map(|(l, h)| [l, h]).collect();
        let rows: Vec<SqliteOutboxRow> = sqlx::query_as(
            "SELECT id, event_id, event_type, topic, partition_key, event_data, created_at, published_at \
             FROM outbox WHERE published_at IS NULL \
             AND NOT EXISTS (SELECT 1 FROM json_each(?2) AS held \
                             WHERE outbox.id BETWEEN json_extract(held.value, '$[0]') AND json_extract(held.value, '$[1]')) \
             ORDER BY id LIMIT ?1",
        )
        .bind(limit)
        .bind(serde_json::to_string(&held).map_err(|e| Error::Corrupt(e.to_string()))?)
        .fetch_all(&self.store.reader)
        .await?;
        let rows = rows.into_iter().map(OutboxRow::try_from).collect::<Result<Vec<_>>>()?;
        Ok(Box::new(SqliteClaim {
            store: self.store.clone(),
            _held: self.in_flight.hold(&rows),
            rows,
        }))
    }
}

#[async_trait]
impl Outbox for SqliteTaskStore {
    async fn lead(&self) -> Result<Option<Box<dyn OutboxLeader>>> {
        let Ok(turn) = self.relay_turn.clone().try_lock_owned() else {
            return Ok(None);
        };
        Ok(Some(Box::new(SqliteLeader {
            store: self.clone(),
            in_flight: InFlight::default(),
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
            oldest: from_opt_micros(oldest)?,
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

    async fn outbox_holds(&self, ids: &[uuid::Uuid]) -> Result<std::collections::HashSet<uuid::Uuid>> {
        let wanted = serde_json::Value::from(ids.iter().map(ToString::to_string).collect::<Vec<_>>()).to_string();
        let held: Vec<String> =
            sqlx::query_scalar("SELECT event_id FROM outbox WHERE event_id IN (SELECT value FROM json_each(?1))")
                .bind(wanted)
                .fetch_all(&self.reader)
                .await?;
        held.iter()
            .map(|id| {
                id.parse()
                    .map_err(|e| Error::Corrupt(format!("outbox event id {id}: {e}")))
            })
            .collect()
    }
}
