//! Progress of a long backup or restore, reported through a callback so the library draws nothing
//! itself: `todo backup`/`todo restore` turn it into a progress bar, the function into nothing.

use std::time::Duration;

/// One step of a backup or restore.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// The work is sized: this many tables, and this many rows when known beforehand (a restore
    /// knows them from the manifest; a backup learns them as it copies).
    Started {
        /// Tables to copy.
        tables: usize,
        /// Rows to copy, when known.
        rows: Option<u64>,
    },
    /// Rows of `table` copied so far (reported every few thousand rows of a large table).
    Rows {
        /// The table.
        table: String,
        /// Its rows so far.
        rows: u64,
    },
    /// `table` is done (on SQLite, `table` is the whole database file).
    TableDone {
        /// The table.
        table: String,
        /// Its rows.
        rows: u64,
        /// Its part's size in the store (compressed).
        bytes: u64,
        /// How long it took.
        elapsed: Duration,
    },
}

/// A progress callback.
pub type ProgressFn<'a> = &'a (dyn Fn(&Progress) + Send + Sync);

/// A callback that ignores progress.
pub fn no_progress() -> ProgressFn<'static> {
    &|_: &Progress| {}
}
