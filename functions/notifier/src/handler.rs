//! The event handler (consumer `notifier`): turns an event into one pending delivery per
//! subscription of the event's user that includes its type, in the same transaction that records
//! the event as processed ([`todo_kit::idempotency::Idempotent`]), so a redelivered event queues
//! nothing twice. Sending is the [`crate::worker`]'s job; [`Waking`] tells it when there is work.
//!
//! Loop prevention: `notification.*` events report webhook deliveries. Subscriptions cannot name
//! them (the API refuses it), and this handler also skips every event whose source is the notifier
//! itself, so a delivery can never cause another delivery.

use std::sync::Arc;

use async_trait::async_trait;
use todo_events::DomainEvent;
use todo_kit::handler::{EventHandler, HandlerError, Outcome};
use todo_kit::idempotency::TransactionalHandler;
use tokio::sync::Notify;

use crate::clock::Clock;
use crate::store::{Dialect, queue};

/// The consumer's name: its consumer group and idempotency records.
pub const CONSUMER: &str = "notifier";

/// Queues deliveries for an event inside the caller's transaction.
#[derive(Debug, Clone)]
pub struct NotifierHandler {
    clock: Arc<dyn Clock>,
}

impl NotifierHandler {
    /// A handler stamping deliveries with `clock`'s time.
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self { clock }
    }
}

/// The user whose subscriptions `event` may go to, or `None` when it goes nowhere.
fn recipient_owner(event: &DomainEvent) -> Option<&str> {
    if event.source == crate::EVENT_SOURCE {
        return None;
    }
    event.metadata.user_id.as_deref().filter(|u| !u.is_empty())
}

fn retryable(error: &crate::Error) -> HandlerError {
    tracing::warn!(error.cause_chain = ?error, "queueing deliveries failed");
    HandlerError::Retryable(format!("notifier store: {error}"))
}

#[async_trait]
impl<DB: Dialect> TransactionalHandler<DB> for NotifierHandler {
    fn name(&self) -> &str {
        CONSUMER
    }

    async fn apply(&self, tx: &mut DB::Connection, event: &DomainEvent) -> Result<Outcome, HandlerError> {
        let Some(owner) = recipient_owner(event) else {
            return Ok(Outcome::Skipped);
        };
        let queued = queue::<DB>(tx, owner, event, self.clock.now())
            .await
            .map_err(|e| retryable(&e))?;
        Ok(if queued == 0 { Outcome::Skipped } else { Outcome::Done })
    }
}

/// Runs a handler and wakes the delivery worker once it committed new deliveries, so they go
/// out at once instead of at the worker's next poll.
#[derive(Clone)]
pub struct Waking {
    inner: Arc<dyn EventHandler>,
    wake: Arc<Notify>,
}

impl std::fmt::Debug for Waking {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Waking").field("consumer", &self.inner.name()).finish()
    }
}

impl Waking {
    /// Wraps `inner`; `wake` is the worker's.
    pub fn new(inner: Arc<dyn EventHandler>, wake: Arc<Notify>) -> Self {
        Self { inner, wake }
    }
}

#[async_trait]
impl EventHandler for Waking {
    fn name(&self) -> &str {
        self.inner.name()
    }

    async fn handle(&self, event: &DomainEvent) -> Result<Outcome, HandlerError> {
        let outcome = self.inner.handle(event).await?;
        if outcome == Outcome::Done {
            self.wake.notify_one();
        }
        Ok(outcome)
    }
}
