//! How a relay behaves: batch size, batches in flight, pauses, retention, topic prefix.

use std::time::Duration;

/// How the relay behaves.
#[derive(Debug, Clone)]
pub struct RelaySettings {
    /// Most events per batch.
    pub batch_size: i64,
    /// Most batches on the way to the broker at once (at least 1).
    pub in_flight: usize,
    /// Longest wait between steps when no wake-up comes.
    pub poll: Duration,
    /// The pause after a failed step; it doubles with each failure in a row, up to
    /// [`retry_max`](Self::retry_max) (equal values give a fixed pause).
    pub retry: Duration,
    /// The longest pause after failed steps.
    pub retry_max: Duration,
    /// Published rows older than this are deleted.
    pub retention: Duration,
    /// Put before every topic name, so environments can share a cluster (`staging.` gives
    /// `staging.task-events`); empty by default.
    pub topic_prefix: String,
}

impl Default for RelaySettings {
    fn default() -> Self {
        Self {
            // relay_bench on a 50,000-row backlog, same machine, runs interleaved: 100 rows gave
            // 27,341 and 28,784 events/s, 300 gave 29,757 and 33,273, 1,000 gave 16,670 and
            // 17,041 (its claims and marks take longer than the broker's acknowledgements).
            batch_size: 300,
            in_flight: 4,
            poll: Duration::from_secs(1),
            retry: Duration::from_millis(100),
            retry_max: Duration::from_secs(30),
            retention: Duration::from_secs(7 * 24 * 3600),
            topic_prefix: String::new(),
        }
    }
}

impl RelaySettings {
    /// The batch size as a count of events (at least 1).
    pub(crate) fn batch(&self) -> usize {
        usize::try_from(self.batch_size).unwrap_or(usize::MAX).max(1)
    }
}
