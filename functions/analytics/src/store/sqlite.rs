//! The read model in SQLite: the embedded mode's store, a file (often the task store's own),
//! opened as every owner opens it ([`todo_db::sqlite::Pools`]: one writer, read-only readers).
//! Times are microseconds since the epoch ([`todo_db::time`]), days `YYYY-MM-DD` text. The
//! handler's transaction takes the file's write lock with its first statement (the idempotency
//! key), so a task's read-merge-write cannot interleave with another writer.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Sqlite;
use sqlx::migrate::Migrator;
use todo_db::sqlite::Pools;
use todo_db::time::{from_micros, micros};

use super::dialect::Dialect;
use super::model::{SqlReadModel, migrate, open};
use super::statements::{audit_page, daily_completed, daily_created, daily_deleted, retract, select_facts};
use crate::{Error, Result};

/// The read connections of a file.
const READERS: u32 = 4;

/// How a day is stored.
const DAY: &str = "%Y-%m-%d";

/// The read model in a SQLite file.
pub type SqliteReadModel = SqlReadModel<Sqlite>;

impl Dialect for Sqlite {
    type Time = i64;
    type Day = String;

    fn migrator() -> Migrator {
        sqlx::migrate!("./migrations/sqlite")
    }
    fn time(at: DateTime<Utc>) -> i64 {
        micros(at)
    }
    fn from_time(stored: i64) -> Result<DateTime<Utc>> {
        from_micros(stored).map_err(|e| Error::Corrupt(e.to_string()))
    }
    fn day(day: NaiveDate) -> String {
        day.format(DAY).to_string()
    }
    fn from_day(stored: String) -> Result<NaiveDate> {
        NaiveDate::parse_from_str(&stored, DAY).map_err(|e| Error::Corrupt(format!("day '{stored}': {e}")))
    }

    /// Takes the write lock at once: the one writer connection then runs the reset alone.
    const BEGIN_WRITE: &'static str = "BEGIN IMMEDIATE";
    const LOCK_FOR_RESET: Option<&'static str> = None;
    const SELECT_FACTS: &'static str = select_facts!("");
    const RETRACT: &'static str = retract!("min");
    const BY_TAG: &'static str = "SELECT j.value, COUNT(DISTINCT t.task_id) FROM analytics_tasks t, json_each(t.tags) j \
        WHERE t.user_id = $1 AND t.status = 'pending' AND t.deleted_at IS NULL GROUP BY j.value ORDER BY j.value";
    const DAILY_CREATED: &'static str = daily_created!("date(created_at / 1000000, 'unixepoch')");
    const DAILY_DELETED: &'static str = daily_deleted!("date(deleted_at / 1000000, 'unixepoch')");
    const DAILY_COMPLETED: &'static str = daily_completed!("date(completed_at / 1000000, 'unixepoch')");
    const AUDIT_PAGE: &'static str =
        audit_page!("($1 IS NULL OR actor = $1) AND ($2 IS NULL OR at < $2 OR (at = $2 AND id < $3))");
}

impl SqliteReadModel {
    /// Opens (creating if needed) the file of a `sqlite://` URL and migrates the tables.
    ///
    /// # Errors
    /// When the file cannot be opened or a migration fails.
    pub async fn connect(url: &str) -> Result<Self> {
        let Pools { writer, reader } = Pools::open(url, READERS, migrate::<Sqlite>).await?;
        open(writer, reader).await
    }
}
