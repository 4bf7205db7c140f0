//! Backups of SQLite, the embedded `todo serve`'s database: one file holds every table, so a
//! backup is a consistent copy of that file, gzipped.
//!
//! The copy is made with `VACUUM INTO`, which reads the database in one read transaction (a
//! consistent snapshot even while `todo serve` writes) and writes a compact new file. SQLite's
//! online backup API would copy page by page without the rewrite, but it is a C API that sqlx does
//! not wrap, and calling it needs `unsafe`, which this workspace forbids (`unsafe_code = "forbid"`).

mod facts;
mod restore;
mod snapshot;

pub(crate) use restore::restore;
pub(crate) use snapshot::snapshot;

use std::path::{Path, PathBuf};

/// A file next to the database that is removed (with its `-wal` and `-shm`) when dropped,
/// unless it was moved into place.
struct TempFile(PathBuf);

impl TempFile {
    /// `.{database file name}.{what}-{id}` in the database's folder: on the same file system, so
    /// a rename moves it in place at once.
    fn beside(database: &Path, what: &str, id: &str) -> Self {
        let name = database
            .file_name()
            .map_or_else(|| "todo.db".into(), |n| n.to_string_lossy().into_owned());
        Self(folder_of(database).join(format!(".{name}.{what}-{id}")))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

/// The folder a database file is in (`.` for a bare file name).
fn folder_of(database: &Path) -> PathBuf {
    match database.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
