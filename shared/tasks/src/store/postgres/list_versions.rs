//! Owners' list versions held in memory, so that a list read served from task-api's cache needs
//! no round trip to the database: on this kind of machine one round trip per request, not the
//! request's own work, is what limits reads (measured with `make bench`).
//!
//! The memory is kept current by `LISTEN task_list_versions`: a trigger notifies every version a
//! write commits, and PostgreSQL delivers notifications in commit order. A version is trusted
//! only while that listener is connected; when it drops, everything learned is forgotten and
//! reads go to the database until it listens again. A write made through this store marks its
//! owner unchecked after it commits, so the next read of that owner asks the database: a
//! client reads its own writes at once. A write made elsewhere (another task-api instance, the
//! scheduler) is seen when its notification arrives, normally well within a millisecond.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgListener;

/// The channel the `task_list_versions` trigger notifies, with payload `<version>:<owner_id>`.
const CHANNEL: &str = "task_list_versions";

/// Most owners remembered; past it the memory starts again empty.
const MAX_OWNERS: usize = 100_000;

/// How long to wait before listening again after the listener failed.
const RETRY: Duration = Duration::from_secs(1);

/// What is known of one owner's version.
#[derive(Debug, Clone, Copy)]
struct Known {
    /// The newest version seen, from a notification or a read.
    version: i64,
    /// Whether `version` may be served without asking the database.
    checked: bool,
    /// The `writes` count of this store's last write of the owner (0: none).
    written_at: u64,
}

#[derive(Debug, Default)]
struct State {
    /// Whether notifications are arriving now.
    live: bool,
    /// Moves whenever what was learned is forgotten (the listener dropped or reconnected).
    generation: u64,
    /// Writes made through this store so far.
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
            Some(known) if state.live && known.checked => Ok(known.version),
            _ => Err(ReadStart {
                generation: state.generation,
                writes: state.writes,
            }),
        }
    }

    /// Records a version read from the database by a read that started at `start`. It is
    /// trusted from now on unless the listener dropped or this store wrote the owner meanwhile.
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
            checked: false,
            written_at: 0,
        });
        known.version = known.version.max(version);
        if known.written_at <= start.writes {
            known.checked = true;
        }
    }

    /// Records that this store wrote (or may have written) the owner's tasks: the next read asks
    /// the database.
    pub(super) fn written(&self, owner_id: &str) {
        let mut state = self.state();
        state.writes += 1;
        let writes = state.writes;
        if state.owners.len() >= MAX_OWNERS && !state.owners.contains_key(owner_id) {
            forget(&mut state);
        }
        let known = state.owners.entry(owner_id.to_owned()).or_insert(Known {
            version: 0,
            checked: false,
            written_at: writes,
        });
        known.checked = false;
        known.written_at = writes;
    }

    /// Applies a notification: `version` committed for the owner.
    fn notified(&self, owner_id: &str, version: i64) {
        let mut state = self.state();
        if let Some(known) = state.owners.get_mut(owner_id) {
            known.version = known.version.max(version);
            return;
        }
        if state.owners.len() >= MAX_OWNERS {
            forget(&mut state);
        }
        state.owners.insert(
            owner_id.to_owned(),
            Known {
                version,
                checked: true,
                written_at: 0,
            },
        );
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
                Ok(Some(notification)) => match parse(notification.payload()) {
                    Some((version, owner_id)) => versions.notified(owner_id, version),
                    None => tracing::warn!(payload = notification.payload(), "unreadable list version notification"),
                },
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

/// `<version>:<owner_id>` (the owner id may itself hold colons).
fn parse(payload: &str) -> Option<(i64, &str)> {
    let (version, owner_id) = payload.split_once(':')?;
    Some((version.parse().ok()?, owner_id))
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
            .filter(|known| state.live && known.checked)
            .map(|known| known.version)
    }

    #[test]
    fn a_read_is_trusted_until_this_store_writes_the_owner() {
        let versions = live();
        versions.remember("alice", 3, start(&versions));
        assert_eq!(served(&versions, "alice"), Some(3));
        versions.written("alice");
        assert_eq!(served(&versions, "alice"), None);
        versions.remember("alice", 4, start(&versions));
        assert_eq!(served(&versions, "alice"), Some(4));
    }

    #[test]
    fn a_read_that_started_before_a_local_write_is_not_trusted() {
        let versions = live();
        let before = start(&versions);
        versions.written("alice");
        versions.remember("alice", 3, before);
        assert_eq!(served(&versions, "alice"), None);
    }

    #[test]
    fn an_older_read_or_notification_never_moves_a_version_back() {
        let versions = live();
        versions.notified("alice", 5);
        versions.remember("alice", 4, start(&versions));
        versions.notified("alice", 3);
        assert_eq!(served(&versions, "alice"), Some(5));
    }

    #[test]
    fn a_late_notification_does_not_vouch_for_an_owner_this_store_just_wrote() {
        let versions = live();
        versions.written("alice");
        versions.notified("alice", 7);
        assert_eq!(served(&versions, "alice"), None);
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

    #[test]
    fn payloads_are_version_then_owner() {
        assert_eq!(parse("12:auth0|abc:def"), Some((12, "auth0|abc:def")));
        assert_eq!(parse("x:alice"), None);
        assert_eq!(parse("alice"), None);
    }
}
