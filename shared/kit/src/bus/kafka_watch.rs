//! A watch on each Kafka consumer's client, for the liveness probe (`/healthz`).
//!
//! librdkafka's threads wait with wall-clock deadlines (its C11 `cnd_timedwait` takes an absolute
//! `CLOCK_REALTIME` time), so when the wall clock steps back by D, every wait already begun lasts
//! D longer (confluentinc/librdkafka#2145, open). Its main thread runs the group's heartbeats and
//! the fetch and commit timers: stalled, the member leaves its group and reads nothing more,
//! while the process looks healthy. The chaos soak found this with a scheduler whose clock jumped
//! back an hour. Nothing inside the process can wake those threads; a restart does. This watch
//! tells the liveness probe, so the kubelet restarts the pod.
//!
//! A consumer is stalled when it has waited for its next record for [`STALE_AFTER`] and its client
//! delivered no statistics in that time either. Statistics come from a timer on librdkafka's main
//! thread every few seconds and reach us while we wait (the consumer's queue wakes the waiting
//! task), so their absence during a wait means that thread stopped. A consumer busy in a handler
//! (retrying a database that is away, say) is not waiting and never counts as stalled: a restart
//! would not help it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, Weak};
use std::time::{Duration, Instant};

/// How long a waiting consumer may go without statistics before it counts as stalled: six
/// statistics intervals.
pub(super) const STALE_AFTER: Duration = Duration::from_secs(30);

/// What the watch knows of one consumer.
#[derive(Debug)]
pub(super) struct Watch {
    group: String,
    /// When its client last delivered statistics (milliseconds on [`clock`]).
    last_statistics: AtomicU64,
    /// Since when it has been waiting for a record; 0 while it is not waiting.
    waiting_since: AtomicU64,
}

/// Every consumer of the process that still exists.
static WATCHES: Mutex<Vec<Weak<Watch>>> = Mutex::new(Vec::new());

/// Milliseconds on the process's monotonic clock, from 1 (0 means "not waiting").
fn clock() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    let elapsed = START.get_or_init(Instant::now).elapsed();
    u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX).saturating_add(1)
}

impl Watch {
    /// Watches a new consumer of `group`.
    pub(super) fn register(group: &str) -> Arc<Self> {
        let watch = Arc::new(Self {
            group: group.to_owned(),
            last_statistics: AtomicU64::new(clock()),
            waiting_since: AtomicU64::new(0),
        });
        let mut watches = WATCHES.lock().unwrap_or_else(PoisonError::into_inner);
        watches.retain(|w| w.strong_count() > 0);
        watches.push(Arc::downgrade(&watch));
        watch
    }

    /// Its client delivered statistics.
    pub(super) fn statistics(&self) {
        self.last_statistics.store(clock(), Ordering::Relaxed);
    }

    /// It starts waiting for a record, until the guard is dropped: when the record (or an error)
    /// came, or when the wait was given up (a `select!` or a timeout dropped it), so a consumer
    /// that stopped asking never counts as waiting.
    pub(super) fn waiting(&self) -> Waiting<'_> {
        self.waiting_since.store(clock(), Ordering::Relaxed);
        Waiting(self)
    }

    /// Why it is stalled at `now`, if it is.
    fn stalled(&self, now: u64) -> Option<String> {
        let since = self.waiting_since.load(Ordering::Relaxed);
        let limit = u64::try_from(STALE_AFTER.as_millis()).unwrap_or(u64::MAX);
        let waited = now.saturating_sub(since);
        let silent = now.saturating_sub(self.last_statistics.load(Ordering::Relaxed));
        (since != 0 && waited >= limit && silent >= limit).then(|| {
            format!(
                "Kafka consumer group '{}' has waited {} s for a record with no statistics from its client for {} s: its client is stalled",
                self.group,
                waited / 1000,
                silent / 1000
            )
        })
    }
}

/// A consumer's wait for its next record; it ends when this is dropped.
pub(super) struct Waiting<'a>(&'a Watch);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.waiting_since.store(0, Ordering::Relaxed);
    }
}

/// Why each stalled consumer of this process is stalled (empty when none is).
pub(super) fn stalled() -> Vec<String> {
    let now = clock();
    WATCHES
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .filter_map(Weak::upgrade)
        .filter_map(|watch| watch.stalled(now))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: u64 = 30_000;

    fn watch(last_statistics: u64, waiting_since: u64) -> Watch {
        Watch {
            group: "g".into(),
            last_statistics: AtomicU64::new(last_statistics),
            waiting_since: AtomicU64::new(waiting_since),
        }
    }

    #[test]
    fn a_consumer_waiting_without_statistics_is_stalled() {
        let reason = watch(1, 1).stalled(1 + LIMIT).expect("stalled");
        assert!(reason.contains("group 'g' has waited 30 s"), "{reason}");
    }

    #[test]
    fn a_consumer_busy_in_its_handler_is_not_stalled_however_long() {
        assert_eq!(watch(1, 0).stalled(10 * LIMIT), None);
    }

    #[test]
    fn recent_statistics_during_a_long_wait_mean_the_client_runs() {
        assert_eq!(watch(5 * LIMIT, 1).stalled(5 * LIMIT + 5_000), None);
    }

    #[test]
    fn a_short_wait_is_not_a_stall() {
        assert_eq!(watch(1, LIMIT).stalled(LIMIT + 29_999), None);
    }

    #[test]
    fn a_wait_given_up_is_no_longer_waiting() {
        let watch = watch(1, 0);
        let wait = watch.waiting();
        assert_ne!(watch.waiting_since.load(Ordering::Relaxed), 0);
        drop(wait);
        assert_eq!(watch.stalled(10 * LIMIT), None);
    }

    #[test]
    fn consumers_that_were_dropped_are_forgotten() {
        let kept = Watch::register("kept-group");
        drop(Watch::register("dropped-group"));
        let watches = WATCHES.lock().unwrap_or_else(PoisonError::into_inner);
        let groups: Vec<String> = watches
            .iter()
            .filter_map(Weak::upgrade)
            .map(|w| w.group.clone())
            .collect();
        assert!(groups.contains(&"kept-group".to_owned()));
        assert!(!groups.contains(&"dropped-group".to_owned()));
        drop(kept);
    }
}
