//! SQLite (the embedded mode: the same file as the tasks): ids are hyphenated UUID text (UUIDv7
//! text sorts by creation time like the bytes do), times microseconds since the epoch
//! ([`todo_db::time`]), event types a JSON array. SQLite has one writer at a time, so creating a
//! subscription needs no lock and a claim is one `UPDATE` under the write lock, read back by its
//! lease token in the same transaction.

use async_trait::async_trait;
use sqlx::error::BoxDynError;
use sqlx::sqlite::{SqliteArguments, SqliteConnection, SqliteQueryResult};
use sqlx::{Arguments, Executor, Sqlite};
use todo_db::sqlite::Pools;
use todo_db::time::micros;
use todo_events::DomainEvent;

use super::dialect::{Dialect, Sql};
use super::rows::{ClaimRow, DeliveryRow, IdRow, SubscriptionRow};
use super::sql::SqlStore;
use super::statement::Value;
use crate::{Error, Result};

/// Subscriptions and deliveries in a SQLite file.
pub type SqliteStore = SqlStore<Sqlite>;

/// Read-only connections beside the one writer.
const READERS: u32 = 4;

impl SqliteStore {
    /// Opens (creating if needed) the file of a `sqlite://` URL the way every owner of it does
    /// ([`todo_db::sqlite`]) and applies the notifier's migrations (`migrations/sqlite`). The task
    /// migrations, which create the outbox, are [`super::connect`]'s to apply.
    ///
    /// # Errors
    /// When the file cannot be opened or a migration fails.
    pub async fn connect(url: &str) -> Result<Self> {
        let Pools { writer, reader } = Pools::open(url, READERS, async |writer| -> Result<()> {
            todo_db::migrate::apply_to_pool(sqlx::migrate!("./migrations/sqlite"), writer)
                .await
                .map_err(sqlx::Error::from)?;
            Ok(())
        })
        .await?;
        Ok(Self::new(writer, reader))
    }
}

#[async_trait]
impl Dialect for Sqlite {
    const SQL: Sql = Sql {
        lock_owner: None,
        subscribers: "SELECT id FROM notifier_subscriptions WHERE owner_id = $1 AND active \
                      AND EXISTS (SELECT 1 FROM json_each(event_types) WHERE value = $2) ORDER BY id",
        claim: "UPDATE notifier_deliveries SET lease_token = $3, leased_until = $4 WHERE id IN (
                SELECT id FROM notifier_deliveries
                WHERE status = 'pending' AND next_attempt_at <= $1 AND (leased_until IS NULL OR leased_until <= $1)
                ORDER BY next_attempt_at, id LIMIT $2)",
        claimed: Some(
            "SELECT d.id, d.lease_token, d.subscription_id, s.owner_id, s.url, s.secret, s.active, d.event_id, \
             d.event_type, d.body, d.correlation_id, d.traceparent, d.attempts, d.first_attempt_at \
             FROM notifier_deliveries d JOIN notifier_subscriptions s ON s.id = d.subscription_id \
             WHERE d.lease_token = $1",
        ),
    };

    type Subscription = SubscriptionRow<String, String, i64>;
    type Delivery = DeliveryRow<String, i64>;
    type Claimed = ClaimRow<String, i64>;
    type Id = IdRow<String>;

    fn bind(arguments: &mut SqliteArguments, value: Value) -> Result<(), BoxDynError> {
        match value {
            Value::Id(id) => arguments.add(id.to_string()),
            Value::Text(text) => arguments.add(text),
            Value::MaybeId(id) => arguments.add(id.map(|id| id.to_string())),
            Value::MaybeText(text) => arguments.add(text),
            Value::Time(at) => arguments.add(micros(at)),
            Value::Int(n) => arguments.add(n),
            Value::MaybeTime(at) => arguments.add(at.map(micros)),
            Value::Int32(n) => arguments.add(n),
            Value::List(list) => arguments.add(serde_json::Value::from(list).to_string()),
            Value::MaybeInt32(n) => arguments.add(n),
        }
    }

    fn executor(conn: &mut SqliteConnection) -> impl Executor<'_, Database = Self> {
        conn
    }

    fn rows_affected(result: &SqliteQueryResult) -> u64 {
        result.rows_affected()
    }

    async fn enqueue(conn: &mut SqliteConnection, events: &[DomainEvent]) -> Result<()> {
        todo_tasks::store::enqueue_sqlite(conn, events)
            .await
            .map_err(Error::from)
    }
}
