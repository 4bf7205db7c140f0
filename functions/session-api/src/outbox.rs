//! The session store's outbox (a Redis stream, or a queue in process) as a source of the shared
//! outbox relay (`todo_outbox::Relay`), which claims, publishes, acknowledges and counts for it.
//!
//! The store's publisher lock is taken claim by claim ([`SessionStore::claim_outbox`] answers
//! `None` while another instance holds it), and a claim hands out the oldest events whether or
//! not an earlier claim holds them. So the leader here remembers what its unfinished claims hold
//! and skips it: the relay may keep several batches on the way, and may claim the next one while
//! the last is still being acknowledged, without sending an event twice.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use todo_events::{DomainEvent, Topic};
use todo_outbox::Backlog;
use todo_outbox::source::{Claim, Message, OutboxSource, Receipt, SourceError, SourceEvent, SourceLeader, Unreadable};

use crate::model::SessionError;
use crate::store::{PendingEvent, SessionStore};

impl From<SessionError> for SourceError {
    fn from(error: SessionError) -> Self {
        SourceError::new(error)
    }
}

/// The outbox of a session store, published under session-api's `service` label.
#[derive(Debug, Clone)]
pub struct SessionOutbox {
    store: Arc<dyn SessionStore>,
}

impl SessionOutbox {
    /// The source of `store`'s outbox.
    pub fn new(store: Arc<dyn SessionStore>) -> Self {
        Self { store }
    }
}

#[async_trait]
impl OutboxSource for SessionOutbox {
    fn name(&self) -> &'static str {
        crate::SERVICE
    }

    /// Its events' topics, and `dead-letter` for the unreadable ones (a standalone session-api
    /// on the in-process bus has nobody else to create it).
    fn topics(&self) -> &'static [Topic] {
        &[Topic::SessionEvents, Topic::IntentEvents, Topic::DeadLetter]
    }

    async fn lead(&self) -> Result<Option<Box<dyn SourceLeader>>, SourceError> {
        Ok(Some(Box::new(SessionLeader {
            store: self.store.clone(),
            held: Held::default(),
            claiming: tokio::sync::Mutex::new(()),
        })))
    }

    async fn backlog(&self) -> Result<Option<Backlog>, SourceError> {
        Ok(Some(self.store.outbox_backlog().await?))
    }
}

/// The outbox ids that a leader's unfinished claims hold.
#[derive(Debug, Clone, Default)]
struct Held(Arc<Mutex<HashSet<String>>>);

impl Held {
    fn ids(&self) -> MutexGuard<'_, HashSet<String>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

struct SessionLeader {
    store: Arc<dyn SessionStore>,
    held: Held,
    /// One claim at a time: a claim reads what is held before it asks the store.
    claiming: tokio::sync::Mutex<()>,
}

#[async_trait]
impl SourceLeader for SessionLeader {
    async fn claim(&self, limit: usize) -> Result<Option<Claim>, SourceError> {
        let _turn = self.claiming.lock().await;
        // Read before the store is: an event acknowledged meanwhile was held until it was gone.
        let held = self.held.ids().clone();
        let Some(pending) = self.store.claim_outbox(limit.saturating_add(held.len())).await? else {
            return Ok(None);
        };
        let events: Vec<SourceEvent> = pending
            .into_iter()
            .filter(|p| !held.contains(&p.outbox_id))
            .take(limit)
            .map(event)
            .collect();
        let ids: Vec<String> = events.iter().map(|e| e.outbox_id.clone()).collect();
        self.held.ids().extend(ids.iter().cloned());
        Ok(Some(Claim {
            events,
            receipt: Box::new(SessionReceipt {
                store: self.store.clone(),
                held: self.held.clone(),
                ids,
            }),
        }))
    }
}

/// Removes a claim's events from the outbox; releases them when dropped either way.
struct SessionReceipt {
    store: Arc<dyn SessionStore>,
    held: Held,
    ids: Vec<String>,
}

impl Drop for SessionReceipt {
    fn drop(&mut self) {
        let mut held = self.held.ids();
        for id in &self.ids {
            held.remove(id);
        }
    }
}

#[async_trait]
impl Receipt for SessionReceipt {
    async fn acknowledge(self: Box<Self>, _at: DateTime<Utc>) -> Result<(), SourceError> {
        Ok(self.store.ack_outbox(&self.ids).await?)
    }
}

/// The bus message of a queued event: its topic and key from the catalog.
fn event(pending: PendingEvent) -> SourceEvent {
    let message = match DomainEvent::from_structured_json(&pending.event) {
        Ok(event) => Ok(Message {
            topic: event.topic().name().to_owned(),
            key: event.partition_key(),
            event: event.to_cloudevent(),
        }),
        Err(error) => Err(Unreadable {
            id: uuid::Uuid::new_v4().to_string(),
            error: error.to_string(),
            data: serde_json::json!({
                "outbox_id": pending.outbox_id, "error": error.to_string(), "event": pending.event,
            }),
        }),
    };
    SourceEvent {
        outbox_id: pending.outbox_id,
        written_at: Some(pending.written_at),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_queued_event_becomes_a_dead_letter_that_keeps_it() {
        // Arrange: a queued value that is no CloudEvent.
        let stored = serde_json::json!({ "not": "a cloudevent" });
        let pending = PendingEvent {
            outbox_id: "1700000000000-0".into(),
            written_at: Utc::now(),
            event: stored.clone(),
        };

        // Act
        let event = event(pending);

        // Assert: unreadable, with where it was and what it was.
        assert_eq!(event.outbox_id, "1700000000000-0");
        let unreadable = event.message.expect_err("unreadable");
        assert_eq!(unreadable.data["outbox_id"], "1700000000000-0");
        assert_eq!(unreadable.data["event"], stored);
        assert_eq!(unreadable.data["error"], unreadable.error.as_str());
    }
}
