//! Where the scheduler's "now" comes from: the system clock in production, a hand-moved one in tests.

use std::sync::Arc;

use chrono::{DateTime, Utc};

/// The current time, as the scheduler sees it.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(Utc::now)
}
