//! Owners' list versions held in memory, so that a list read served from task-api's cache needs
//! no round trip to the database: on this kind of machine one round trip per request, not the
//! request's own work, is what limits reads (measured with `make bench`).
//!
//! A version read from the database is trusted until something says the owner's tasks changed:
//! a write through this store (after it commits, so a client reads its own writes at once), or a
//! `task_changes` notification, which every task store sends after its writes commit (see
//! `change_signal`). A write made elsewhere (another task-api instance, the scheduler) is thus
//! seen once its notification arrived, normally within a millisecond or two. Versions are
//! trusted only while the listener is connected (when it drops, everything learned is forgotten
//! and reads go to the database until it listens again), and for a few seconds at most, which
//! bounds the staleness a notification lost with a crashed writer could cause.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use sqlx::PgPool;
use sqlx::postgres::PgListener;

use super::change_signal::TASK_CHANGES as CHANNEL;

/// Longest time a version read from the database is served without reading it again.
const TRUST_FOR: Duration = Duration::from_secs(5);

/// Most owners remembered; past it the memory starts again empty.
const MAX_OWNERS: usize = 100_000;

/// How long to wait before listening again after the listener failed.
const RETRY: Duration = Duration::from_secs(1);

/// What is known of one owner's version.
#[derive(Debug, Clone, Copy)]
struct Known {
    /// The newest version read.
    version: i64,
    /// When `version` was read, while it may be served without asking the database.
    checked_at: Option<Instant>,
    /// The `writes` count of the owner's last change seen (0: none).
    written_at: u64,
}

#[derive(Debug, Default)]
struct State {
    /// Whether notifications are arriving now.
    live: bool,
    /// Moves whenever what was learned is forgotten (the listener dropped or reconnected).
    generation: u64,
    /// Changes seen so far (writes through this store and notifications).
    writes: u64,
    owners: HashMap<String, Known>,
}

/// When a database read of a version started, to tell whether what it read may still be trusted.
#[derive(Debug, Clone, Copy)]
pub(super) struct ReadStart {
    generation: u64,
    writes: u64,
}

/// The owners' list versions of one store.
#[derive(Debug, Default)]
pub(super) struct ListVersions {
    state: Mutex<State>,
    /// Whether the listener task was started (on the first read).
    started: std::sync::atomic::AtomicBool,
}

impl ListVersions {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The owner's version when it can be served from memory; otherwise where a database read
    /// starts, to hand to [`Self::remember`].
    pub(super) fn lookup(self: &Arc<Self>, pool: &PgPool, owner_id: &str) -> Result<i64, ReadStart> {
        if !self.started.swap(true, std::sync::atomic::Ordering::AcqRel) {
            tokio::spawn(listen(Arc::downgrade(self), pool.clone()));
        }
        let state = self.state();
        match state.owners.get(owner_id) {
            Some(Known {
                version,
                checked_at: Some(at),
                ..
            }) if state.live && at.elapsed() < TRUST_FOR => Ok(*version),
            _ => Err(ReadStart {
                generation: state.generation,
                writes: state.writes,
            }),
        }
    }

    /// Records a version read from the database by a read that started at `start`. It is
    /// trusted from now on unless the listener dropped or the owner changed meanwhile.
    pub(super) fn remember(&self, owner_id: &str, version: i64, start: ReadStart) {
        let mut state = self.state();
        if !state.live || state.generation != start.generation {
            return;
        }
        if state.owners.len() >= MAX_OWNERS && !state.owners.contains_key(owner_id) {
            forget(&mut state);
            return;
        }
        let known = state.owners.entry(owner_id.to_owned()).or_insert(Known {
            version,
            checked_at: None,
            written_at: 0,
        });
        known.version = known.version.max(version);
        if known.written_at <= start.writes {
            known.checked_at = Some(Instant::now());
        }
    }

    /// Records that the owner's tasks changed (or may have): a write through this store
    /// committed, or another store said so. The next read of the owner asks the database.
    pub(super) fn changed(&self, owner_id: &str) {
        let mut state = self.state();
        state.writes += 1;
        let writes = state.writes;
        if state.owners.len() >= MAX_OWNERS && !state.owners.contains_key(owner_id) {
            forget(&mut state);
        }
        let known = state.owners.entry(owner_id.to_owned()).or_insert(Known {
            version: 0,
            checked_at: None,
            written_at: writes,
        });
        known.checked_at = None;
        known.written_at = writes;
    }

    fn set_live(&self, live: bool) {
        let mut state = self.state();
        forget(&mut state);
        state.live = live;
    }
}

fn forget(state: &mut State) {
    state.owners.clear();
    state.generation += 1;
}

/// Listens for version notifications for as long as the store lives, reconnecting after
/// failures (and forgetting everything each time, since notifications may have been missed).
async fn listen(versions: std::sync::Weak<ListVersions>, pool: PgPool) {
    loop {
        let mut listener = match subscribe(&pool).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::debug!(%error, "cannot LISTEN {CHANNEL}; list versions are read from the database");
                tokio::time::sleep(RETRY).await;
                if versions.strong_count() == 0 {
                    return;
                }
                continue;
            }
        };
        let Some(live) = versions.upgrade() else {
            return;
        };
        live.set_live(true);
        drop(live);
        loop {
            // `try_recv` says when the connection was lost (`Ok(None)`); `recv` would reconnect
            // silently, and notifications sent meanwhile would be missed unnoticed.
            let received = listener.try_recv().await;
            let Some(versions) = versions.upgrade() else {
                return;
            };
            match received {
                Ok(Some(notification)) => {
                    for owner_id in notification.payload().split('\n') {
                        versions.changed(owner_id);
                    }
                }
                Ok(None) | Err(_) => {
                    versions.set_live(false);
                    break;
                }
            }
        }
        tokio::time::sleep(RETRY).await;
    }
}

async fn subscribe(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live() -> ListVersions {
        let versions = ListVersions::default();
        versions.set_live(true);
        versions
    }

    fn start(versions: &ListVersions) -> ReadStart {
        let state = versions.state();
        ReadStart {
            generation: state.generation,
            writes: state.writes,
        }
    }

    fn served(versions: &ListVersions, owner: &str) -> Option<i64> {
        let state = versions.state();
        state
            .owners
            .get(owner)
            .filter(|known| state.live && known.checked_at.is_some_and(|at| at.elapsed() < TRUST_FOR))
            .map(|known| known.version)
    }

    #[test]
    fn a_read_is_trusted_until_the_owner_changes() {
        let versions = live();
        versions.remember("alice", 3, start(&versions));
        assert_eq!(served(&versions, "alice"), Some(3));
        versions.changed("alice");
        assert_eq!(served(&versions, "alice"), None);
        versions.remember("alice", 4, start(&versions));
        assert_eq!(served(&versions, "alice"), Some(4));
        versions.changed("bob");
        assert_eq!(served(&versions, "alice"), Some(4), "another owner's change");
    }

    #[test]
    fn a_read_that_started_before_a_change_is_not_trusted() {
        let versions = live();
        let before = start(&versions);
        versions.changed("alice");
        versions.remember("alice", 3, before);
        assert_eq!(served(&versions, "alice"), None);
        // Also when the change came for an owner not known yet.
        let before = start(&versions);
        versions.changed("carol");
        versions.remember("carol", 1, before);
        assert_eq!(served(&versions, "carol"), None);
    }

    #[test]
    fn an_older_read_never_moves_a_version_back() {
        let versions = live();
        versions.remember("alice", 5, start(&versions));
        versions.remember("alice", 4, start(&versions));
        assert_eq!(served(&versions, "alice"), Some(5));
    }

    #[test]
    fn nothing_is_trusted_without_the_listener_nor_what_was_read_before_it_dropped() {
        let versions = ListVersions::default();
        versions.remember("alice", 3, start(&versions));
        assert_eq!(served(&versions, "alice"), None);
        versions.set_live(true);
        let before = start(&versions);
        versions.set_live(false);
        versions.set_live(true);
        versions.remember("alice", 3, before);
        assert_eq!(served(&versions, "alice"), None);
    }
}
