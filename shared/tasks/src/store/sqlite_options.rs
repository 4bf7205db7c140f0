//! How every pool of the embedded mode opens the shared SQLite file (tasks, the read model,
//! webhooks): created if missing, WAL so that readers never wait for the writer, synchronous
//! NORMAL (durable at checkpoints, consistent always under WAL), foreign keys on, and a 5 s busy
//! timeout, since several pools write to the one file and should queue rather than fail.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};

/// The connection options for a `sqlite://` URL.
///
/// # Errors
/// When the URL is not a SQLite URL sqlx understands.
pub fn sqlite_options(url: &str) -> Result<SqliteConnectOptions, sqlx::Error> {
    Ok(SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true))
}

/// True for a URL naming an in-memory database, which exists once per connection (so it cannot
/// have a separate pool of readers).
pub fn sqlite_in_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}
