//! How every owner opens the embedded SQLite file (tasks, the read model, webhooks): created if
//! missing, WAL so that readers never wait for the writer, synchronous NORMAL (durable at
//! checkpoints, consistent always under WAL), foreign keys on, and a 5 s busy timeout, since
//! several owners write to the one file and should queue rather than fail. Writes go through one
//! connection (SQLite has one writer anyway), reads through a few read-only ones.

use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// The connection options for a `sqlite://` URL.
///
/// # Errors
/// When the URL is not a SQLite URL sqlx understands.
pub fn options(url: &str) -> Result<SqliteConnectOptions, sqlx::Error> {
    Ok(SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true))
}

/// True for a URL naming an in-memory database, which exists once per connection (so it cannot
/// have a separate pool of readers).
#[must_use]
pub fn in_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

/// One owner's connections to the file: a single writer and up to `readers` read-only readers
/// (the writer itself for an in-memory database).
#[derive(Debug, Clone)]
pub struct Pools {
    pub writer: SqlitePool,
    pub reader: SqlitePool,
}

impl Pools {
    /// Opens the writer, runs `prepare` on it (the owner's migrations) before any reader exists,
    /// then the readers.
    ///
    /// # Errors
    /// When the file cannot be opened or `prepare` fails.
    pub async fn open<E, F>(url: &str, readers: u32, prepare: F) -> Result<Self, E>
    where
        E: From<sqlx::Error>,
        F: AsyncFnOnce(&SqlitePool) -> Result<(), E>,
    {
        let options = options(url)?;
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        prepare(&writer).await?;
        let reader = if in_memory(url) {
            writer.clone()
        } else {
            SqlitePoolOptions::new()
                .max_connections(readers.max(1))
                .connect_with(options.read_only(true))
                .await?
        };
        Ok(Self { writer, reader })
    }
}
