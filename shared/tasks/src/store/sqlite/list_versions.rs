//! Owners' list versions held in memory, so that a list read served from task-api's cache needs
//! no query: with SQLite a query is a round trip to one of sqlx's worker threads, and a profile
//! of cached reads (`make bench`) showed those round trips and their wake-ups, not the request's
//! own work, taking most of the time.
//!
//! What was read is served while the file's WAL-index stamp (`todo_db::wal_index`) stays the
//! one it was read under: every commit moves it, whoever made it (this store, another store on
//! the same file, another process), so a version is never served after a write committed. When
//! the stamp cannot be read (an in-memory database, a writer caught mid-update), versions are
//! read from the database as before.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use todo_db::wal_index::{Stamp, WalIndex};

/// Most owners remembered; past it the memory starts again empty.
const MAX_OWNERS: usize = 100_000;

#[derive(Debug, Default)]
struct State {
    /// The stamp the versions below were read under.
    stamp: Option<Stamp>,
    owners: HashMap<String, i64>,
}

/// The owners' list versions of one store.
#[derive(Debug)]
pub(super) struct ListVersions {
    /// `None` for an in-memory database, which has no index file.
    index: Option<WalIndex>,
    state: Mutex<State>,
}

impl ListVersions {
    /// For the database file at `url` (nothing is remembered for an in-memory one).
    pub(super) fn new(url: &str) -> Self {
        let index = (!todo_db::sqlite::in_memory(url))
            .then(|| todo_db::sqlite::options(url).ok())
            .flatten()
            .map(|options| WalIndex::of(options.get_filename()));
        Self {
            index,
            state: Mutex::default(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The owner's version when nothing committed since it was read; otherwise the stamp a
    /// database read starts under (to hand to [`Self::remember`]), if there is one.
    pub(super) fn lookup(&self, owner_id: &str) -> Result<i64, Option<Stamp>> {
        let stamp = self.index.as_ref().and_then(WalIndex::stamp).ok_or(None)?;
        let state = self.state();
        match state.owners.get(owner_id) {
            Some(&version) if state.stamp == Some(stamp) => Ok(version),
            _ => Err(Some(stamp)),
        }
    }

    /// Records a version read from the database by a read that started under `before`, if
    /// nothing committed meanwhile (then the read saw exactly what `before` stands for).
    pub(super) fn remember(&self, owner_id: &str, version: i64, before: Stamp) {
        if self.index.as_ref().and_then(WalIndex::stamp) != Some(before) {
            return;
        }
        let mut state = self.state();
        if state.stamp != Some(before) || state.owners.len() >= MAX_OWNERS {
            state.owners.clear();
            state.stamp = Some(before);
        }
        state.owners.insert(owner_id.to_owned(), version);
    }
}

#[cfg(test)]
mod tests {
    use todo_testing::TestDatabase;

    use super::*;

    #[tokio::test]
    async fn a_version_is_served_until_anything_commits() {
        // Arrange: a file in WAL mode and a version read under its stamp.
        let db = TestDatabase::sqlite();
        let pool = sqlx::SqlitePool::connect_with(todo_db::sqlite::options(db.url()).expect("options"))
            .await
            .expect("a pool");
        sqlx::query("CREATE TABLE t (n INTEGER)")
            .execute(&pool)
            .await
            .expect("a table");
        let versions = ListVersions::new(db.url());
        let Err(Some(before)) = versions.lookup("alice") else {
            panic!("nothing is known before a read");
        };
        versions.remember("alice", 7, before);
        // Act and assert: served from memory, for that owner only.
        assert_eq!(versions.lookup("alice"), Ok(7));
        assert!(versions.lookup("bob").is_err());
        // Any commit ends it.
        sqlx::query("INSERT INTO t VALUES (1)")
            .execute(&pool)
            .await
            .expect("a write");
        let Err(Some(after)) = versions.lookup("alice") else {
            panic!("served after a commit");
        };
        // A read that started before the commit is not remembered.
        versions.remember("alice", 7, before);
        assert!(versions.lookup("alice").is_err());
        versions.remember("alice", 8, after);
        assert_eq!(versions.lookup("alice"), Ok(8));
    }

    #[test]
    fn an_in_memory_database_has_nothing_served_from_memory() {
        let versions = ListVersions::new("sqlite::memory:");
        assert_eq!(versions.lookup("alice"), Err(None));
    }
}
