//! What the relay publishes from: an outbox, seen through [`OutboxSource`]. The task store's
//! outbox (outbox-relay's `TaskOutbox`) and session-api's store are sources; the relay's loop
//! (claim, publish, acknowledge, count) is the same for both.
//!
//! A source hands out batches of its oldest events to one leader at a time, so no event goes out
//! twice at once and no key is reordered. The leader may hold several claims at once (the relay
//! keeps up to `in_flight` batches on the way): a claim skips what the leader's unfinished claims
//! hold, and an event leaves the outbox only when its claim is acknowledged, after the bus took
//! it. A claim dropped without acknowledgement releases its events for the next one (delivery is
//! at least once).

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use cloudevents::Event;
use todo_events::Topic;

/// The unpublished part of an outbox, for the `outbox_pending` gauges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Backlog {
    /// Events not yet published.
    pub pending: i64,
    /// When the oldest of them was written; `None` when nothing waits.
    pub oldest: Option<DateTime<Utc>>,
}

/// An outbox the relay publishes.
#[async_trait]
pub trait OutboxSource: Send + Sync + std::fmt::Debug {
    /// The function that publishes this outbox: the `service` label of the relay's metrics, and
    /// (as `/functions/{name}`) the source of the dead letters it makes of unreadable events.
    fn name(&self) -> &'static str;
    /// The topics its events go to (without a prefix), created by [`crate::Relay::ensure_topics`].
    fn topics(&self) -> &'static [Topic];
    /// Makes the caller the one relay that claims from this outbox; `None` while another leads.
    /// Leadership ends when the returned value is dropped. A source whose lock is taken claim by
    /// claim returns a leader at once and answers `None` from [`SourceLeader::claim`] instead.
    ///
    /// # Errors
    /// When the store fails.
    async fn lead(&self) -> Result<Option<Box<dyn SourceLeader>>, SourceError>;
    /// Waits until new events may be waiting, or `max_wait` passed.
    async fn wait_for_rows(&self, max_wait: Duration) {
        tokio::time::sleep(max_wait).await;
    }
    /// How many events wait and since when, for the `outbox_pending` gauges; `None` when the
    /// source cannot tell (the gauges are then not set).
    ///
    /// # Errors
    /// When the store fails.
    async fn backlog(&self) -> Result<Option<Backlog>, SourceError> {
        Ok(None)
    }
    /// Deletes the events acknowledged before `before`; returns how many (0 for a source whose
    /// acknowledgement removes them).
    ///
    /// # Errors
    /// When the store fails.
    async fn prune_published(&self, before: DateTime<Utc>) -> Result<u64, SourceError> {
        let _ = before;
        Ok(0)
    }
}

/// The one relay that claims from a source, for as long as this value lives.
#[async_trait]
pub trait SourceLeader: Send + Sync {
    /// Claims up to `limit` of the oldest events that none of this leader's unfinished claims
    /// holds; an empty claim when nothing else waits, `None` when another relay holds the outbox
    /// now (then drop this leader and call [`OutboxSource::lead`] again).
    ///
    /// # Errors
    /// When the store fails, or this relay no longer leads (its lock's connection died).
    async fn claim(&self, limit: usize) -> Result<Option<Claim>, SourceError>;
}

/// Events a leader claimed, oldest first, and the way to take them out of the outbox.
pub struct Claim {
    /// The claimed events, oldest first.
    pub events: Vec<SourceEvent>,
    /// Acknowledges every one of them; dropping it instead releases them.
    pub receipt: Box<dyn Receipt>,
}

impl std::fmt::Debug for Claim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Claim")
            .field("events", &self.events)
            .finish_non_exhaustive()
    }
}

/// Takes a claim's events out of the outbox.
#[async_trait]
pub trait Receipt: Send {
    /// Records that the bus acknowledged every event of the claim, at `at` (marks them
    /// published, or removes them).
    ///
    /// # Errors
    /// When the store fails; the events are then published again.
    async fn acknowledge(self: Box<Self>, at: DateTime<Utc>) -> Result<(), SourceError>;
}

/// One event of an outbox, as its source read it.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceEvent {
    /// Its place in the outbox, for logs (a row id, a stream entry id).
    pub outbox_id: String,
    /// When it was written: the `outbox_publish_lag_seconds` of it runs from here (`None`: the
    /// source does not keep it, and no lag is observed).
    pub written_at: Option<DateTime<Utc>>,
    /// What to publish, or why the stored event cannot be read (then it goes to `dead-letter`).
    pub message: Result<Message, Unreadable>,
}

/// What to publish for one event.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// The catalog topic (without the relay's prefix).
    pub topic: String,
    /// The message key: events with one key keep their order.
    pub key: Option<String>,
    /// The CloudEvent.
    pub event: Event,
}

/// A stored event that is not a readable CloudEvent (a bug, or a manual edit): it goes to
/// `dead-letter` as an `outbox.unreadable` event, so it neither blocks the outbox nor disappears.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    /// The dead letter's id: the stored event's own when it is known.
    pub id: String,
    /// Why it cannot be read.
    pub error: String,
    /// The dead letter's data: where the event was, the error and what was stored.
    pub data: serde_json::Value,
}

/// Why a source failed: its store's own error, kept whole (the relay retries the batch).
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct SourceError(Box<dyn std::error::Error + Send + Sync>);

impl SourceError {
    /// Wraps a store's error.
    pub fn new(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self(Box::new(error))
    }
}
