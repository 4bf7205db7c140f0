//! What the read model's two engines do differently, and nothing else: the driver, how a time and
//! a day are stored, and the SQL text that cannot be the same on both. Everything else (the
//! statements both engines accept, written once with `$n` placeholders, which sqlx binds by number
//! on SQLite too, and every bind and decode) lives in the engine-neutral modules beside this one.
//!
//! Where the engines differ in a fragment only, the statement's shape is a macro in
//! [`statements`](super::statements) and the dialect writes the fragment alone.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::database::HasStatementCache;
use sqlx::migrate::{Migrate, Migrator};
use sqlx::{Database, Decode, Encode, Type};
use todo_kit::idempotency::IdempotencyStore;

use crate::Result;

/// A database engine the read model runs on (sqlx's driver type), as the engine-neutral code
/// needs to know it.
pub(crate) trait Dialect: Database<Connection: Migrate> + IdempotencyStore + HasStatementCache {
    /// A time as stored: `TIMESTAMPTZ`, or microseconds since the epoch.
    type Time: Column<Self>;
    /// A day as stored: `DATE`, or `YYYY-MM-DD` text.
    type Day: Column<Self>;

    /// The read model's migrations for this engine (`migrations/<engine>`).
    fn migrator() -> Migrator;
    /// `at` as stored.
    fn time(at: DateTime<Utc>) -> Self::Time;
    /// A stored time; `Corrupt` when it is none.
    fn from_time(stored: Self::Time) -> Result<DateTime<Utc>>;
    /// `day` as stored.
    fn day(day: NaiveDate) -> Self::Day;
    /// A stored day; `Corrupt` when it is none.
    fn from_day(stored: Self::Day) -> Result<NaiveDate>;

    /// Opens a transaction that writes.
    const BEGIN_WRITE: &'static str;
    /// Run first in a reset's transaction, to keep the live handler out until it commits.
    const LOCK_FOR_RESET: Option<&'static str>;
    /// The facts of task `$2` of user `$1`, locked where the engine can
    /// ([`select_facts`](super::statements::select_facts)).
    const SELECT_FACTS: &'static str;
    /// Records that completion `$3` of task `$2` of user `$1` was taken back at `$4`
    /// ([`retract`](super::statements::retract)).
    const RETRACT: &'static str;
    /// Open tasks of user `$1` per tag: `(tag, count)` by tag.
    const BY_TAG: &'static str;
    /// `(day, count)` of user `$1`'s tasks created in `[$2, $3)`
    /// ([`daily_created`](super::statements::daily_created)).
    const DAILY_CREATED: &'static str;
    /// The same for deletions ([`daily_deleted`](super::statements::daily_deleted)).
    const DAILY_DELETED: &'static str;
    /// The same for completions not taken back ([`daily_completed`](super::statements::daily_completed)).
    const DAILY_COMPLETED: &'static str;
    /// A page of the audit trail: actor `$1` or any, before time `$2` and id `$3` or from the
    /// newest, `$4` rows ([`audit_page`](super::statements::audit_page)).
    const AUDIT_PAGE: &'static str;
}

/// A Rust type sqlx can bind to a parameter of `DB`. sqlx's bounds are supertraits here, so that
/// one bound such as `Option<String>: Bind<DB>` brings all of them along.
pub(crate) trait Bind<DB: Database>: for<'q> Encode<'q, DB> + Type<DB> + Send + Sync {}

impl<DB: Database, T> Bind<DB> for T where T: for<'q> Encode<'q, DB> + Type<DB> + Send + Sync {}

/// A Rust type both ways through a column of `DB`.
pub(crate) trait Column<DB: Database>: Bind<DB> + for<'r> Decode<'r, DB> + Unpin + 'static {}

impl<DB: Database, T> Column<DB> for T where T: Bind<DB> + for<'r> Decode<'r, DB> + Unpin + 'static {}

/// A connection of driver `D`.
pub(crate) type Conn<D> = <D as Database>::Connection;
/// A row of driver `D`.
pub(crate) type Row<D> = <D as Database>::Row;
/// The bound arguments of driver `D`.
pub(crate) type Args<D> = <D as Database>::Arguments;
