//! Whether a SQLite file changed, without asking SQLite: the header of the WAL index (the `-shm`
//! file beside the database, which every connection in WAL mode maps and which SQLite documents
//! in "WAL-mode File Format") holds the end of the log and its salts, and every commit rewrites
//! it; so while its 48 bytes stay the same, no transaction committed, in this process or another.
//!
//! One `pread` answers that, where a query would be a round trip to one of sqlx's SQLite worker
//! threads: serving a cached list spent more time on that round trip than on the request.
//!
//! The header is written twice (a second copy follows the first); a reader that sees the copies
//! differ caught a writer in the middle and gets no stamp. When the index file is replaced (the
//! last connection anywhere closed and deleted it, and a new one made another), the old file has
//! no links left and is opened again by name.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// The bytes of one header copy.
const HEADER: usize = 48;

/// Byte of the header that is non-zero once the index was built.
const IS_INIT: usize = 12;

/// The WAL-index header at one moment: equal stamps mean no commit in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp([u8; HEADER]);

/// Reads the WAL-index header of one database file.
#[derive(Debug)]
pub struct WalIndex {
    path: PathBuf,
    /// The index file open now; shared, so that reads run outside the lock (a lock held across
    /// the system calls made concurrent requests queue on it in a profile).
    file: Mutex<Option<Arc<File>>>,
}

impl WalIndex {
    /// The index of the database file at `database` (its `-shm` beside it).
    #[must_use]
    pub fn of(database: &Path) -> Self {
        let mut path = database.as_os_str().to_owned();
        path.push("-shm");
        Self {
            path: path.into(),
            file: Mutex::new(None),
        }
    }

    /// The header now; `None` when it cannot be read consistently (no index yet, a writer in
    /// the middle of updating it, another platform), in which case the caller asks SQLite.
    #[must_use]
    pub fn stamp(&self) -> Option<Stamp> {
        let open = self.file.lock().unwrap_or_else(PoisonError::into_inner).clone();
        if let Some(file) = open {
            // Read first, then check the file is still the index: a header read from a file
            // deleted meanwhile is thrown away.
            let stamp = read_header(&file);
            if linked(&file) {
                return stamp;
            }
        }
        let reopened = File::open(&self.path).ok().map(Arc::new);
        self.file
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone_from(&reopened);
        read_header(&*reopened?)
    }
}

#[cfg(unix)]
fn linked(file: &File) -> bool {
    use std::os::unix::fs::MetadataExt;
    file.metadata().is_ok_and(|meta| meta.nlink() > 0)
}

#[cfg(unix)]
fn read_header(file: &File) -> Option<Stamp> {
    use std::os::unix::fs::FileExt;
    let mut both = [0_u8; 2 * HEADER];
    file.read_exact_at(&mut both, 0).ok()?;
    let (first, second) = both.split_at(HEADER);
    (first == second && first[IS_INIT] != 0).then(|| Stamp(first.try_into().unwrap_or([0; HEADER])))
}

#[cfg(not(unix))]
fn linked(_: &File) -> bool {
    false
}

#[cfg(not(unix))]
fn read_header(_: &File) -> Option<Stamp> {
    None
}

#[cfg(test)]
mod tests {
    use sqlx::{ConnectOptions, Connection, SqliteConnection};
    use todo_testing::TestDatabase;

    use super::*;

    async fn open(db: &TestDatabase) -> SqliteConnection {
        crate::sqlite::options(db.url())
            .expect("options")
            .connect()
            .await
            .expect("a connection")
    }

    fn index(db: &TestDatabase) -> WalIndex {
        WalIndex::of(crate::sqlite::options(db.url()).expect("options").get_filename())
    }

    #[tokio::test]
    async fn every_commit_of_any_connection_moves_the_stamp_and_reads_do_not() {
        // Arrange
        let db = TestDatabase::sqlite();
        let mut writer = open(&db).await;
        let mut other = open(&db).await;
        sqlx::query("CREATE TABLE t (n INTEGER)")
            .execute(&mut writer)
            .await
            .expect("a table");
        let index = index(&db);
        let mut seen = vec![index.stamp().expect("a stamp once the file is in WAL mode")];
        for n in 0..20 {
            // Act: a read changes nothing; a commit by either connection moves it.
            sqlx::query("SELECT count(*) FROM t")
                .execute(&mut other)
                .await
                .expect("a read");
            assert_eq!(index.stamp().as_ref(), seen.last(), "after a read");
            let connection = if n % 2 == 0 { &mut writer } else { &mut other };
            sqlx::query("INSERT INTO t VALUES (?1)")
                .bind(n)
                .execute(connection)
                .await
                .expect("a write");
            let stamp = index.stamp().expect("a stamp");
            // Assert: never one seen before, also across checkpoints that restart the log.
            assert!(!seen.contains(&stamp), "commit {n} left the stamp as it was");
            seen.push(stamp);
            if n % 5 == 4 {
                sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .execute(&mut writer)
                    .await
                    .expect("a checkpoint");
                seen.push(index.stamp().expect("a stamp"));
            }
        }
        writer.close().await.expect("closed");
        other.close().await.expect("closed");
    }

    #[tokio::test]
    async fn an_index_deleted_and_made_again_is_read_again() {
        // Arrange: the last connection closes (deleting the index), then a new one opens.
        let db = TestDatabase::sqlite();
        let mut first = open(&db).await;
        sqlx::query("CREATE TABLE t (n INTEGER)")
            .execute(&mut first)
            .await
            .expect("a table");
        let index = index(&db);
        let before = index.stamp().expect("a stamp");
        first.close().await.expect("closed");
        assert!(!index.path.exists(), "the last connection deletes the index file");
        // Act
        let mut second = open(&db).await;
        sqlx::query("INSERT INTO t VALUES (1)")
            .execute(&mut second)
            .await
            .expect("a write");
        let after = index.stamp().expect("a stamp of the new index");
        // Assert
        assert_ne!(before, after);
        second.close().await.expect("closed");
    }

    #[test]
    fn no_index_file_gives_no_stamp() {
        let db = TestDatabase::sqlite();
        assert_eq!(index(&db).stamp(), None);
    }
}
