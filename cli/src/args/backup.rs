//! `todo backup`, `todo restore`, `todo backups` and `todo replay`: getting the data back, from a
//! database backup and then from the event archive.

use clap::{Args, Subcommand};

#[derive(Debug, Args)]
pub(crate) struct ReplayArgs {
    /// Replay events at or after this time (RFC 3339).
    #[arg(long)]
    pub(crate) since: Option<String>,
    /// Replay what happened after this backup was taken (from ten minutes before it: writes in
    /// flight then may have committed after it).
    #[arg(long, conflicts_with = "since")]
    pub(crate) after_backup: Option<String>,
    /// Put the task changes back into this database (after `todo restore`).
    #[arg(long, conflicts_with = "bus")]
    pub(crate) into: Option<String>,
    /// Publish the events again on this bus (`kafka://host:port` or `memory://`).
    #[arg(long)]
    pub(crate) bus: Option<String>,
    /// Put before each topic's name when publishing.
    #[arg(long, env = "TOPIC_PREFIX", default_value = "")]
    pub(crate) topic_prefix: String,
    /// Where the archive is (default: `ARCHIVE_STORE_URL`, else the data directory's objects/archive).
    #[arg(long, env = "ARCHIVE_STORE_URL", hide_env_values = true)]
    pub(crate) archive: Option<String>,
    /// Where backups are, for `--after-backup` (default: `BACKUP_STORE_URL`, else the data
    /// directory's objects/backups).
    #[arg(long, env = "BACKUP_STORE_URL", hide_env_values = true)]
    pub(crate) backups: Option<String>,
    /// Print what was replayed as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct BackupArgs {
    /// The database to back up (default: `DATABASE_URL`, else the data directory's todo.db).
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub(crate) database_url: Option<String>,
    /// Where backups go: `s3://bucket/prefix?endpoint=...` or `file:///path` (default: the data
    /// directory's objects/backups).
    #[arg(long, env = "BACKUP_STORE_URL", hide_env_values = true)]
    pub(crate) store: Option<String>,
    /// Print the backup's manifest as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RestoreArgs {
    /// The backup, e.g. 20261203T061500Z-3fa2.
    pub(crate) backup_id: String,
    /// The empty database to restore into (never taken from `DATABASE_URL`: name it).
    #[arg(long)]
    pub(crate) database_url: String,
    /// Where the backup is (default: `BACKUP_STORE_URL`, else the data directory's objects/backups).
    #[arg(long, env = "BACKUP_STORE_URL", hide_env_values = true)]
    pub(crate) store: Option<String>,
    /// Print the restored backup's manifest as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum BackupsCommand {
    /// The backups, newest first.
    #[command(alias = "ls")]
    List(BackupsListArgs),
    /// Delete the backups past retention (every backup of the last 24 h is kept).
    Prune(BackupsPruneArgs),
}

#[derive(Debug, Args)]
pub(crate) struct BackupsListArgs {
    /// Where backups are (default: `BACKUP_STORE_URL`, else the data directory's objects/backups).
    #[arg(long, env = "BACKUP_STORE_URL", hide_env_values = true)]
    pub(crate) store: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct BackupsPruneArgs {
    /// Keep the newest backup of this many days (that have backups).
    #[arg(long, env = "BACKUP_KEEP_DAILY", default_value_t = 7)]
    pub(crate) keep_daily: usize,
    /// Keep the newest backup of this many ISO weeks (that have backups).
    #[arg(long, env = "BACKUP_KEEP_WEEKLY", default_value_t = 4)]
    pub(crate) keep_weekly: usize,
    /// Where backups are (default: `BACKUP_STORE_URL`, else the data directory's objects/backups).
    #[arg(long, env = "BACKUP_STORE_URL", hide_env_values = true)]
    pub(crate) store: Option<String>,
    /// Print what was kept and deleted as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}
