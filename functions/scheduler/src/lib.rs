//! The scheduler: time-driven work on tasks.
//!
//! - [`Announcer`] runs on a tick (a Knative PingSource every minute in the cluster, an internal
//!   loop in `todo serve`) and publishes `task.due_soon` once when a task comes within 24 hours of
//!   its due time, `task.overdue` once when it passes it, and `task.reminder` at the reminder offset
//!   the task asked for. Each announcement is marked in the task database in the transaction that
//!   enqueues its event, so it is made once per due time even with two schedulers.
//! - [`NextOccurrence`] handles `task.completed` of a recurring task by creating the next
//!   occurrence of its series, once, even when the event is delivered twice.
//!
//! Time comes from a [`Clock`], so tests move it instead of sleeping.

mod announce;
mod clock;
pub mod function;
mod occurrence;
pub mod routes;

pub use announce::{AnnounceWork, Announcer, TickReport};
pub use clock::system_clock;
pub use function::{FUNCTION, start};
pub use occurrence::{NextOccurrence, next_due};
pub use routes::{app, routes};
pub use todo_kit::clock::{Clock, ManualClock};

/// The CloudEvents `source` of what the scheduler publishes.
pub const SOURCE: &str = "/functions/scheduler";

/// The consumer name: its consumer group on the bus.
pub const CONSUMER: &str = "scheduler";
