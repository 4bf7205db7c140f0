//! The outbox relay: moves events from a transactional outbox to the event bus.
//!
//! A relay publishes one [`OutboxSource`]: the task store's outbox ([`TaskOutbox`], this
//! function's own) or another function's (session-api's store implements the trait and runs
//! this relay in its worker). It first becomes the outbox's leader (one relay publishes at a
//! time; the others wait their turn). One [`Relay::step`] then claims batches of the oldest
//! unpublished events and sends them in order (keyed by each event's partition key), keeping up
//! to `in_flight` batches on the way to the broker at once, and acknowledges each batch in the
//! outbox only after the bus acknowledged every one of its events. A crash anywhere before that
//! means the batch is published again: delivery is at least once, and consumers are idempotent.
//! [`Relay::run`] repeats steps, waking on new writes (PostgreSQL `LISTEN/NOTIFY`, or in process
//! for SQLite) and at least every poll interval, and prunes old published rows;
//! [`Relay::drain`] is the same work as one triggered run.
//!
//! Run it with `cargo run -p outbox-relay` (settings: `todo functions outbox-relay`).

mod dead_letter;
mod drain;
pub mod function;
mod publish;
mod relay;
mod run;
mod settings;
pub mod source;
mod tasks;
mod telemetry;

pub use dead_letter::dead_letter_router;
pub use drain::Drained;
pub use function::{FUNCTION, start};
pub use relay::Relay;
pub use settings::RelaySettings;
pub use source::{OutboxSource, SourceError};
pub use tasks::TaskOutbox;

/// The `service` label of the relay's metrics.
pub const SERVICE: &str = "outbox-relay";

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
