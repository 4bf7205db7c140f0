//! What the store needs to know about an engine, and nothing else: the few statements whose SQL
//! differs, the row types its columns decode into, how a value is bound as the engine stores it,
//! and how its connections run a statement. Implemented for `sqlx::Postgres` ([`super::postgres`])
//! and `sqlx::Sqlite` ([`super::sqlite`]); everything else is written once over it.

use async_trait::async_trait;
use sqlx::error::BoxDynError;
use sqlx::{Database, Executor, FromRow, IntoArguments};
use todo_events::DomainEvent;
use uuid::Uuid;

use super::statement::Value;
use crate::Result;
use crate::model::{Claim, DeliveryRecord, Subscription};

/// The statements whose text differs between the engines; the others are shared, written with
/// `$n` placeholders, which both drivers number alike.
#[derive(Debug)]
pub(crate) struct Sql {
    /// Serializes owner `$1`'s subscription creations until commit; `None` where the conditional
    /// insert alone cannot be split by another writer (SQLite has one writer at a time).
    pub(crate) lock_owner: Option<&'static str>,
    /// The ids of owner `$1`'s active subscriptions that include event type `$2`, in id order.
    pub(crate) subscribers: &'static str,
    /// Leases up to `$2` pending deliveries due at `$1` to token `$3` until `$4`, passing over
    /// deliveries another claimer is taking; returns them as claim rows unless `claimed` is given.
    pub(crate) claim: &'static str,
    /// The claim rows of the deliveries leased to token `$1`, for an engine whose `claim` cannot
    /// return them (SQLite's `RETURNING` cannot join).
    pub(crate) claimed: Option<&'static str>,
}

/// An engine the notifier's tables live on.
#[async_trait]
pub(crate) trait Dialect: Database<Arguments: IntoArguments<Self>> + Sync {
    /// Its SQL where it differs.
    const SQL: Sql;

    /// A subscription row (`SUBSCRIPTION_COLUMNS`) as this engine returns it.
    type Subscription: for<'r> FromRow<'r, Self::Row> + TryInto<Subscription, Error = crate::Error> + Send + Unpin;
    /// A delivery log row.
    type Delivery: for<'r> FromRow<'r, Self::Row> + TryInto<DeliveryRecord, Error = crate::Error> + Send + Unpin;
    /// A claimed delivery with its subscription's target.
    type Claimed: for<'r> FromRow<'r, Self::Row> + TryInto<Claim, Error = crate::Error> + Send + Unpin;
    /// A row of one `id` column.
    type Id: for<'r> FromRow<'r, Self::Row> + TryInto<Uuid, Error = crate::Error> + Send + Unpin;

    /// Adds `value` to `arguments` as this engine stores it.
    ///
    /// # Errors
    /// When the value cannot be encoded.
    fn bind(arguments: &mut Self::Arguments, value: Value) -> Result<(), BoxDynError>;

    /// `conn` as the executor sqlx runs statements with.
    fn executor(conn: &mut Self::Connection) -> impl Executor<'_, Database = Self>;

    /// The rows a statement changed.
    fn rows_affected(result: &Self::QueryResult) -> u64;

    /// Adds `events` to the task store's outbox with `conn` (an open transaction).
    ///
    /// # Errors
    /// When the outbox insert fails.
    async fn enqueue(conn: &mut Self::Connection, events: &[DomainEvent]) -> Result<()>;
}
