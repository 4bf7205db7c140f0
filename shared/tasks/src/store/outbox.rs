//! The transactional outbox as a relay sees it: claim the oldest unpublished events, publish them,
//! mark them published. Rows are written by the task writes themselves, in their transactions.
//!
//! Several relays may run: a claim is exclusive (a transaction-scoped advisory lock on PostgreSQL,
//! an in-process lock on SQLite, whose file belongs to one process), so one relay publishes at a
//! time (no row twice, no key reordered) and the others get `None` until it is done.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::Result;

/// An event waiting in (or already sent from) the transactional outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxRow {
    /// Position in the outbox; a relay publishes in this order.
    pub id: i64,
    /// The CloudEvent id.
    pub event_id: uuid::Uuid,
    /// The CloudEvent type, e.g. `task.created`.
    pub event_type: String,
    /// The Kafka topic it goes to.
    pub topic: String,
    /// The Kafka message key (task id for task events).
    pub partition_key: Option<String>,
    /// The whole CloudEvent in structured JSON form.
    pub event_data: serde_json::Value,
    /// When the change happened.
    pub created_at: DateTime<Utc>,
    /// When the broker acknowledged it; `None` while pending.
    pub published_at: Option<DateTime<Utc>>,
}

/// The unpublished part of the outbox, for the `outbox_pending` metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Backlog {
    /// Rows not yet published.
    pub pending: i64,
    /// When the oldest of them was written; `None` when nothing waits.
    pub oldest: Option<DateTime<Utc>>,
}

/// Events claimed by one relay. Dropping the claim without [`mark_published`] releases the rows
/// for the next claim (they are published again: delivery is at least once).
///
/// [`mark_published`]: OutboxClaim::mark_published
#[async_trait]
pub trait OutboxClaim: Send {
    /// The claimed rows, oldest first.
    fn rows(&self) -> &[OutboxRow];
    /// Records that the broker acknowledged every claimed row.
    async fn mark_published(self: Box<Self>, at: DateTime<Utc>) -> Result<()>;
    /// Gives the rows back unpublished, at once (dropping a claim also does, but a PostgreSQL
    /// claim is only rolled back when its connection is next used).
    async fn release(self: Box<Self>) -> Result<()>;
}

/// The outbox of a store.
#[async_trait]
pub trait Outbox: Send + Sync + std::fmt::Debug {
    /// Claims up to `limit` of the oldest unpublished rows. `None` when another relay holds the
    /// outbox right now; an empty claim when nothing is waiting.
    async fn claim(&self, limit: i64) -> Result<Option<Box<dyn OutboxClaim>>>;
    /// Waits until new rows may be waiting, or `max_wait` passed.
    async fn wait_for_rows(&self, max_wait: Duration);
    /// How many rows wait to be published, and since when the oldest has waited.
    async fn backlog(&self) -> Result<Backlog>;
    /// How many rows wait to be published.
    async fn pending_count(&self) -> Result<i64> {
        Ok(self.backlog().await?.pending)
    }
    /// Deletes rows published before `before`; returns how many.
    async fn prune_published(&self, before: DateTime<Utc>) -> Result<u64>;
    /// Rows not yet published, oldest first, without claiming them (for inspection and tests).
    async fn unpublished_outbox(&self, limit: i64) -> Result<Vec<OutboxRow>>;
}
