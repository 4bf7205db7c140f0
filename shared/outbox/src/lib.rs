//! The outbox relay's core: moves events from a transactional outbox to the event bus.
//!
//! A [`Relay`] publishes one [`OutboxSource`]: the task store's outbox (outbox-relay's
//! `TaskOutbox`) or session-api's Redis outbox. Both go through the one path here (claim,
//! publish, acknowledge, count), so neither source depends on the other's store. A relay first
//! becomes the outbox's leader (one relay publishes at a time; the others wait their turn). One
//! [`Relay::step`] then claims batches of the oldest unpublished events and sends them in order
//! (keyed by each event's partition key), keeping up to `in_flight` batches on the way to the
//! broker at once, and acknowledges each batch in the outbox only after the bus acknowledged every
//! one of its events. A crash anywhere before that means the batch is published again: delivery
//! is at least once, and consumers are idempotent. [`Relay::run`] repeats steps, waking on new
//! writes (when the source can tell) and at least every poll interval, and prunes old published
//! rows; [`Relay::drain`] is the same work as one triggered run.

mod drain;
mod publish;
mod relay;
mod run;
mod settings;
pub mod source;
mod telemetry;

pub use drain::Drained;
pub use relay::Relay;
pub use settings::RelaySettings;
pub use source::{Backlog, OutboxSource, SourceError};

/// What one step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Published this many events.
    Published(usize),
    /// Nothing was waiting.
    Idle,
    /// Another relay holds the outbox.
    Busy,
}

/// Why a step failed. The batch stays pending and is retried.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    /// The outbox could not be read or acknowledged.
    #[error("outbox: {0}")]
    Outbox(#[from] SourceError),
    /// The bus did not take the batch.
    #[error("bus: {0}")]
    Bus(#[from] todo_kit::bus::BusError),
    /// Acknowledging a batch stopped before it finished (a panic or a cancelled task).
    #[error("marking a batch: {0}")]
    Mark(#[from] tokio::task::JoinError),
}
