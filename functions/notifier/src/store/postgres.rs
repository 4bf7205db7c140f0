//! PostgreSQL: ids are `UUID`, times `TIMESTAMPTZ`, event types a `TEXT[]`; the store binds and
//! reads them as they are. One owner's creations are serialized by an advisory lock, and claims
//! pass over rows another claimer is taking with `FOR UPDATE SKIP LOCKED`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArguments, PgConnection, PgPoolOptions, PgQueryResult};
use sqlx::{Arguments, Executor, Postgres};
use todo_events::DomainEvent;
use uuid::Uuid;

use super::dialect::{Dialect, Sql};
use super::rows::{ClaimRow, DeliveryRow, IdRow, SubscriptionRow};
use super::sql::SqlStore;
use super::statement::Value;
use crate::Result;

/// Subscriptions and deliveries in PostgreSQL.
pub type PostgresStore = SqlStore<Postgres>;

impl PostgresStore {
    /// Connects and applies the notifier's migrations (`migrations/postgres`). The task
    /// migrations, which create the outbox, are [`super::connect`]'s to apply.
    ///
    /// # Errors
    /// When connecting or a migration fails.
    pub async fn connect(url: &str) -> Result<Self> {
        let pool = PgPoolOptions::new().max_connections(10).connect(url).await?;
        todo_db::migrate::apply_to_pool(sqlx::migrate!("./migrations/postgres"), &pool)
            .await
            .map_err(sqlx::Error::from)?;
        Ok(Self::new(pool.clone(), pool))
    }
}

#[async_trait]
impl Dialect for Postgres {
    const SQL: Sql = Sql {
        // Two creations at once could both count fewer than the limit under READ COMMITTED.
        lock_owner: Some("SELECT pg_advisory_xact_lock(hashtext('notifier_subscriptions:' || $1))"),
        subscribers: "SELECT id FROM notifier_subscriptions \
                      WHERE owner_id = $1 AND active AND $2 = ANY(event_types) ORDER BY id",
        claim: "WITH due AS (
                SELECT id FROM notifier_deliveries
                WHERE status = 'pending' AND next_attempt_at <= $1 AND (leased_until IS NULL OR leased_until <= $1)
                ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED
            ), claimed AS (
                UPDATE notifier_deliveries d SET lease_token = $3, leased_until = $4 FROM due WHERE d.id = due.id
                RETURNING d.id, d.lease_token, d.subscription_id, d.event_id, d.event_type, d.body,
                          d.correlation_id, d.traceparent, d.attempts, d.first_attempt_at
            )
            SELECT c.*, s.owner_id, s.url, s.secret, s.active
            FROM claimed c JOIN notifier_subscriptions s ON s.id = c.subscription_id",
        claimed: None,
    };

    type Subscription = SubscriptionRow<Uuid, Vec<String>, DateTime<Utc>>;
    type Delivery = DeliveryRow<Uuid, DateTime<Utc>>;
    type Claimed = ClaimRow<Uuid, DateTime<Utc>>;
    type Id = IdRow<Uuid>;

    fn bind(arguments: &mut PgArguments, value: Value) -> Result<(), BoxDynError> {
        match value {
            Value::Id(id) => arguments.add(id),
            Value::Text(text) => arguments.add(text),
            Value::MaybeId(id) => arguments.add(id),
            Value::MaybeText(text) => arguments.add(text),
            Value::Time(at) => arguments.add(at),
            Value::Int(n) => arguments.add(n),
            Value::MaybeTime(at) => arguments.add(at),
            Value::Int32(n) => arguments.add(n),
            Value::List(list) => arguments.add(list),
            Value::MaybeInt32(n) => arguments.add(n),
        }
    }

    fn executor(conn: &mut PgConnection) -> impl Executor<'_, Database = Self> {
        conn
    }

    fn rows_affected(result: &PgQueryResult) -> u64 {
        result.rows_affected()
    }

    async fn enqueue(conn: &mut PgConnection, events: &[DomainEvent]) -> Result<()> {
        Ok(todo_tasks::store::enqueue_postgres(conn, events).await?)
    }
}
