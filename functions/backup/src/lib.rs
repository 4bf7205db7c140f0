//! backup: logical backups of the platform's one database to the object store, and restore.
//!
//! Every table of the platform (the task store, the analytics read model, the notifier, the kit's
//! `processed_events`) lives in the one database `DATABASE_URL` names, so one consistent snapshot
//! of that database is a backup of the whole platform's state:
//!
//! - [`snapshot()`] copies it to `backups/{id}/` in an [`ObjectStore`](todo_objects::ObjectStore):
//!   on PostgreSQL one `COPY` per table inside one `REPEATABLE READ` transaction, on SQLite a
//!   `VACUUM INTO` copy of the file; each part gzipped, then a [`Manifest`] written last, so an
//!   interrupted backup is never listed.
//! - [`list()`] shows the backups newest first; [`prune()`] applies the retention
//!   ([`retained`] is the pure selection).
//! - [`restore()`] checks the manifest's and every part's SHA-256, refuses a database that is not
//!   empty, and loads the backup: on PostgreSQL into the schema the platform's own code creates, in
//!   one transaction; on SQLite by putting the checked file in place.
//!
//! [`FUNCTION`] runs a snapshot and the retention on a schedule (`POST /work/snapshot`); `todo
//! backup`, `todo restore` and `todo backups` run the same functions from the command line.
//!
//! Run the tests with `cargo test -p backup` (PostgreSQL at 127.0.0.1:5432 and the S3 server of
//! `scripts/s3.sh` at 127.0.0.1:19000; `bash scripts/services.sh` starts both).

mod database;
mod error;
pub mod function;
mod gzip;
mod list;
mod manifest;
mod postgres;
mod progress;
mod prune;
mod restore;
mod snapshot;
mod sqlite;

pub use database::Engine;
pub use error::{Error, Result};
pub use function::{BackupWork, FUNCTION, start};
pub use list::{ManifestSummary, list};
pub use manifest::{MANIFEST_FORMAT, Manifest, NewestEvent, Part, TableInfo, backup_id, manifest_key, part_key};
pub use progress::{Progress, ProgressFn, no_progress};
pub use prune::{PruneReport, prune, retained};
pub use restore::{RestoreReport, read_manifest, restore};
pub use snapshot::{SnapshotSettings, snapshot, snapshot_with_progress};

/// The `service` label of this function's metrics and logs.
pub const SERVICE: &str = "backup";

/// The folder of the store every backup goes under (`backups/{id}/...`).
pub const BACKUPS_PREFIX: &str = "backups/";
