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
//! A second way a member stops without a sign: its client runs and reaches a broker, yet the
//! member stays out of its group (a join that never completes, a group the coordinator forgot
//! after a fault). It then owns no partition and reads nothing. The watch counts that too, after
//! [`OUT_OF_GROUP_AFTER`]; while no broker is reachable it does not, since a restart cannot bring
//! a broker back.
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

/// How long a waiting member may stay out of its group while its client reaches a broker before
/// it counts as stalled: far longer than a rebalance takes (a session timeout and a join, seconds).
pub(super) const OUT_OF_GROUP_AFTER: Duration = Duration::from_secs(120);

/// What the watch knows of one consumer.
#[derive(Debug)]
pub(super) struct Watch {
    group: String,
    /// When its client last delivered statistics (milliseconds on [`clock`]).
    last_statistics: AtomicU64,
    /// Since when it has been waiting for a record; 0 while it is not waiting.
    waiting_since: AtomicU64,
    /// When its statistics last showed it in its group, or no broker reachable (either way
    /// nothing the client could do better).
    last_in_group: AtomicU64,
}

/// What one statistics report says about the member's group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Membership {
    /// It is in its group, done joining (it may own no partition, when the group has more members
    /// than partitions).
    Joined,
    /// It is out of its group (looking for the coordinator, joining, syncing) while its client is
    /// connected to a broker.
    OutWithBrokerUp,
    /// It is out of its group and no broker is reachable.
    OutWithBrokersDown,
}

impl Membership {
    /// From librdkafka's statistics: the group's `state` and `join_state`, and whether a broker
    /// connection is up.
    pub(super) fn from_statistics(state: &str, join_state: &str, a_broker_is_up: bool) -> Self {
        if state == "up" && join_state == "steady" {
            Self::Joined
        } else if a_broker_is_up {
            Self::OutWithBrokerUp
        } else {
            Self::OutWithBrokersDown
        }
    }
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
            last_in_group: AtomicU64::new(clock()),
        });
        let mut watches = WATCHES.lock().unwrap_or_else(PoisonError::into_inner);
        watches.retain(|w| w.strong_count() > 0);
        watches.push(Arc::downgrade(&watch));
        watch
    }

    /// The group it consumes as.
    pub(super) fn group(&self) -> &str {
        &self.group
    }

    /// Its client delivered statistics, which say where the member stands in its group.
    pub(super) fn statistics(&self, membership: Membership) {
        let now = clock();
        self.last_statistics.store(now, Ordering::Relaxed);
        if membership != Membership::OutWithBrokerUp {
            self.last_in_group.store(now, Ordering::Relaxed);
        }
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
        if since == 0 {
            return None;
        }
        let waited = now.saturating_sub(since);
        let silent = now.saturating_sub(self.last_statistics.load(Ordering::Relaxed));
        let out = now.saturating_sub(self.last_in_group.load(Ordering::Relaxed));
        if waited >= millis(STALE_AFTER) && silent >= millis(STALE_AFTER) {
            Some(format!(
                "Kafka consumer group '{}' has waited {} s for a record with no statistics from its client for {} s: its client is stalled",
                self.group,
                waited / 1000,
                silent / 1000
            ))
        } else if waited >= millis(OUT_OF_GROUP_AFTER) && out >= millis(OUT_OF_GROUP_AFTER) {
            Some(format!(
                "Kafka consumer group '{}' has waited {} s for a record while its member stayed out of the group for {} s with a broker reachable: it is stuck joining",
                self.group,
                waited / 1000,
                out / 1000
            ))
        } else {
            None
        }
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
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
    const OUT_LIMIT: u64 = 120_000;

    fn watch(last_statistics: u64, waiting_since: u64) -> Watch {
        Watch {
            group: "g".into(),
            last_statistics: AtomicU64::new(last_statistics),
            waiting_since: AtomicU64::new(waiting_since),
            last_in_group: AtomicU64::new(last_statistics),
        }
    }

    fn out_of_group(last_in_group: u64, last_statistics: u64, waiting_since: u64) -> Watch {
        let watch = watch(last_statistics, waiting_since);
        watch.last_in_group.store(last_in_group, Ordering::Relaxed);
        watch
    }

    #[test]
    fn a_member_out_of_its_group_with_a_broker_up_is_stalled_after_two_minutes() {
        let watch = out_of_group(1, 1 + OUT_LIMIT, 1);
        assert_eq!(watch.stalled(OUT_LIMIT), None, "not yet");
        let reason = watch.stalled(1 + OUT_LIMIT).expect("stalled");
        assert!(reason.contains("stayed out of the group for 120 s"), "{reason}");
    }

    #[test]
    fn a_member_out_of_its_group_is_not_stalled_when_it_is_not_waiting() {
        assert_eq!(out_of_group(1, 10 * OUT_LIMIT, 0).stalled(10 * OUT_LIMIT), None);
    }

    #[test]
    fn statistics_move_the_membership_clock_unless_the_member_is_out_with_a_broker_up() {
        let watch = out_of_group(0, 1, 1);
        watch.statistics(Membership::OutWithBrokerUp);
        assert_eq!(watch.last_in_group.load(Ordering::Relaxed), 0);
        watch.statistics(Membership::OutWithBrokersDown);
        assert!(
            watch.last_in_group.load(Ordering::Relaxed) > 0,
            "no broker: nothing to blame"
        );
        let seen = watch.last_in_group.load(Ordering::Relaxed);
        std::thread::sleep(Duration::from_millis(2));
        watch.statistics(Membership::Joined);
        assert!(watch.last_in_group.load(Ordering::Relaxed) > seen);
    }

    #[test]
    fn membership_reads_librdkafka_group_states() {
        assert_eq!(Membership::from_statistics("up", "steady", true), Membership::Joined);
        assert_eq!(
            Membership::from_statistics("up", "wait-join", true),
            Membership::OutWithBrokerUp
        );
        assert_eq!(
            Membership::from_statistics("wait-coord", "init", false),
            Membership::OutWithBrokersDown
        );
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
