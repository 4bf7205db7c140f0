//! The transactional outbox as a relay sees it: claim the oldest unpublished events, publish them,
//! mark them published. Rows are written by the task writes themselves, in their transactions.
//!
//! Several relays may run, but one leads at a time (a session-level advisory lock on PostgreSQL,
//! an in-process lock on SQLite, whose file belongs to one process): only the leader claims, so no
//! row goes out twice and no key is reordered. The leader may hold several claims at once, so a
//! relay can have several batches on the way to the broker; a claim skips the rows that earlier,
//! unfinished claims hold.

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
    /// The whole CloudEvent in structured JSON form, as text: the relay reads it without building
    /// a JSON tree (`todo_kit::bus::structured`).
    pub event_data: String,
    /// When the change happened.
    pub created_at: DateTime<Utc>,
    /// When the broker acknowledged it; `None` while pending.
    pub published_at: Option<DateTime<Utc>>,
}

impl OutboxRow {
    /// The stored CloudEvent as JSON (`Null` when the text is not JSON).
    #[must_use]
    pub fn event_json(&self) -> serde_json::Value {
        serde_json::from_str(&self.event_data).unwrap_or_default()
    }
}

/// The unpublished part of the outbox, for the `outbox_pending` metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Backlog {
    /// Rows not yet published.
    pub pending: i64,
    /// When the oldest of them was written; `None` when nothing waits.
    pub oldest: Option<DateTime<Utc>>,
}

/// Events claimed by the leading relay. Dropping the claim without [`mark_published`] releases the
/// rows for the next claim (they are published again: delivery is at least once).
///
/// [`mark_published`]: OutboxClaim::mark_published
#[async_trait]
pub trait OutboxClaim: Send {
    /// The claimed rows, oldest first.
    fn rows(&self) -> &[OutboxRow];
    /// Records that the broker acknowledged every claimed row.
    async fn mark_published(self: Box<Self>, at: DateTime<Utc>) -> Result<()>;
}

/// The one relay that publishes an outbox, for as long as this value lives.
#[async_trait]
pub trait OutboxLeader: Send + Sync {
    /// Claims up to `limit` of the oldest unpublished rows that none of this leader's unfinished
    /// claims holds; an empty claim when nothing else is waiting.
    ///
    /// # Errors
    /// When the database fails, or this relay no longer leads (its lock's connection died): then
    /// drop the leader and call [`Outbox::lead`] again.
    async fn claim(&self, limit: i64) -> Result<Box<dyn OutboxClaim>>;
}

/// The outbox of a store.
#[async_trait]
pub trait Outbox: Send + Sync + std::fmt::Debug {
    /// Makes the caller the relay that publishes this outbox; `None` while another relay leads.
    /// Leadership ends when the returned value is dropped (or its process dies).
    async fn lead(&self) -> Result<Option<Box<dyn OutboxLeader>>>;
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
    /// Which of `ids` are events of this outbox, published or not (until pruned): changes a
    /// restored database already has (see [`crate::store::replay`]).
    async fn outbox_holds(&self, ids: &[uuid::Uuid]) -> Result<std::collections::HashSet<uuid::Uuid>>;
}

/// The rows of a leader's unfinished claims, as inclusive id ranges: a claim skips them. A range
/// may also cover a row that committed after its claim read (an older id, a later commit); that
/// row waits for the range's claim to finish, and is claimed then.
#[derive(Debug, Clone, Default)]
pub(crate) struct InFlight(std::sync::Arc<std::sync::Mutex<Vec<(i64, i64)>>>);

impl InFlight {
    fn ranges(&self) -> std::sync::MutexGuard<'_, Vec<(i64, i64)>> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The held ranges' lower and upper bounds, for a query's parameters.
    pub(crate) fn bounds(&self) -> (Vec<i64>, Vec<i64>) {
        self.ranges().iter().copied().unzip()
    }

    /// Holds `rows` (oldest first) until the returned guard is dropped.
    pub(crate) fn hold(&self, rows: &[OutboxRow]) -> Held {
        let range = match (rows.first(), rows.last()) {
            (Some(first), Some(last)) => Some((first.id, last.id)),
            _ => None,
        };
        if let Some(range) = range {
            self.ranges().push(range);
        }
        Held {
            in_flight: self.clone(),
            range,
        }
    }
}

/// The hold of one claim on its rows; dropped with the claim, marked or not.
#[derive(Debug)]
pub(crate) struct Held {
    in_flight: InFlight,
    range: Option<(i64, i64)>,
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Some(range) = self.range {
            let mut ranges = self.in_flight.ranges();
            if let Some(at) = ranges.iter().position(|held| *held == range) {
                ranges.swap_remove(at);
            }
        }
    }
}
