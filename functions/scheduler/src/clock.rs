//! Where the scheduler's "now" comes from: the system clock in production, a hand-moved
//! [`ManualClock`](todo_kit::clock::ManualClock) in tests.

use std::sync::Arc;

use todo_kit::clock::{Clock, SystemClock};

/// The system clock, shared.
pub fn system_clock() -> Arc<dyn Clock> {
    Arc::new(SystemClock)
}
