//! Backups of PostgreSQL, the cluster's database: a logical copy, one `COPY ... TO STDOUT` per
//! table in text format, all in one `REPEATABLE READ READ ONLY` transaction so the tables agree
//! with each other (a task, its history and its outbox events are either all in the backup or
//! none); restored with `COPY ... FROM STDIN` into the schema this version of the platform
//! creates, in one transaction.
//!
//! Logical rather than physical (`pg_basebackup`, a managed database's own snapshots): it needs
//! no superuser or replication role, works the same on a managed database, and restores into any
//! PostgreSQL the platform runs on.

mod catalog;
mod restore;
mod snapshot;

pub(crate) use restore::restore;
pub(crate) use snapshot::snapshot;
