//! outbox-relay: publishes the task store's transactional outbox to the event bus.
//!
//! The relay itself (leadership, claims, publishing in order, acknowledgements, metrics) is
//! `todo_outbox`'s, shared with session-api's outbox. This function owns the task store as a
//! source ([`TaskOutbox`]), its deployable description and settings ([`function`]), and the
//! route that takes the events Knative could not deliver ([`dead_letter_router`]).
//!
//! Run it with `cargo run -p outbox-relay` (settings: `todo functions outbox-relay`).

mod dead_letter;
pub mod function;
mod tasks;

use std::sync::Arc;

use todo_kit::bus::EventBus;
use todo_tasks::store::Outbox;

pub use dead_letter::dead_letter_router;
pub use function::{FUNCTION, start};
pub use tasks::TaskOutbox;
pub use todo_outbox::{Drained, Relay, RelayError, RelaySettings, Step};

/// The `service` label of the relay's metrics.
pub const SERVICE: &str = "outbox-relay";

/// A relay from the task store's `outbox` to `bus`.
pub fn task_relay(outbox: Arc<dyn Outbox>, bus: Arc<dyn EventBus>, settings: RelaySettings) -> Relay {
    Relay::new(Arc::new(TaskOutbox::new(outbox)), bus, settings)
}
