//! Subscriptions and deliveries, in the task database (`notifier_*` tables beside the task store's
//! `outbox`, so a delivery's result and its `notification.*` event commit together). One trait,
//! checked by one conformance suite (`tests/notifier`), implemented once ([`SqlStore`]) over the
//! engine's [`dialect::Dialect`]: PostgreSQL and SQLite differ only in a few statements' SQL and
//! in the types their columns hold.
//!
//! The tables are sqlx migrations in `migrations/{postgres,sqlite}`, versions 3000-3999 of the
//! `_sqlx_migrations` table the notifier shares with the other owners of the database
//! ([`todo_db::migrate`]), applied at connect.

mod attempt;
mod deliveries;
mod dialect;
mod postgres;
mod rows;
mod sql;
mod sqlite;
mod statement;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use todo_db::Engine;
use todo_events::DomainEvent;
use uuid::Uuid;

pub(crate) use deliveries::queue;
pub(crate) use dialect::Dialect;
pub use postgres::PostgresStore;
pub use sql::SqlStore;
pub use sqlite::SqliteStore;

use crate::model::{AttemptResult, Claim, DeliveryPage, NewSubscription, Subscription};
use crate::{Error, Result};

/// Where subscriptions and deliveries live. Reads and writes of subscriptions are scoped to an
/// owner: another owner's subscription is `None` / `false`, like a missing one.
#[async_trait]
pub trait NotifierStore: Send + Sync + std::fmt::Debug {
    /// Stores a subscription unless `owner` already has `max`.
    ///
    /// # Errors
    /// `LimitReached` at the limit; database errors.
    async fn create_subscription(
        &self,
        owner: &str,
        new: &NewSubscription,
        max: usize,
        now: DateTime<Utc>,
    ) -> Result<Subscription>;

    /// The owner's subscriptions, oldest first.
    async fn list_subscriptions(&self, owner: &str) -> Result<Vec<Subscription>>;

    /// One of the owner's subscriptions.
    async fn get_subscription(&self, owner: &str, id: Uuid) -> Result<Option<Subscription>>;

    /// Deletes one of the owner's subscriptions and its deliveries; `false` when there was none.
    async fn delete_subscription(&self, owner: &str, id: Uuid) -> Result<bool>;

    /// Up to `limit` deliveries of the owner's subscription, newest first, older than the
    /// delivery `before` when given. `None` when the subscription is not the owner's.
    async fn deliveries(
        &self,
        owner: &str,
        subscription: Uuid,
        limit: usize,
        before: Option<Uuid>,
    ) -> Result<Option<DeliveryPage>>;

    /// Takes up to `limit` pending deliveries due at `now` whose lease is free or expired,
    /// leasing them until `lease_until`. Concurrent callers never get the same delivery.
    async fn claim_due(&self, now: DateTime<Utc>, lease_until: DateTime<Utc>, limit: usize) -> Result<Vec<Claim>>;

    /// Records an attempt's result and enqueues `events` in the outbox, in one transaction, if
    /// the lease is still `claim`'s; `false` (and nothing written) when it was lost.
    async fn record_attempt(
        &self,
        claim: &Claim,
        result: &AttemptResult,
        events: &[DomainEvent],
        now: DateTime<Utc>,
    ) -> Result<bool>;

    /// Checks that the database answers.
    async fn ping(&self) -> Result<()>;
}

/// Opens the store for a `postgres://` or `sqlite://` URL: applies the task migrations (so the
/// `outbox` exists) and the notifier's.
///
/// # Errors
/// `Config` for another scheme; connection and migration failures.
pub async fn connect(database_url: &str) -> Result<Backend> {
    let engine = Engine::of_url(database_url).map_err(|e| Error::Config(format!("DATABASE_URL: {e}")))?;
    drop(todo_tasks::store::connect(database_url).await?);
    Ok(match engine {
        Engine::Postgres => Backend::Postgres(PostgresStore::connect(database_url).await?),
        Engine::Sqlite => Backend::Sqlite(SqliteStore::connect(database_url).await?),
    })
}

/// An opened store, by database: the idempotent handler needs the concrete pool.
#[derive(Debug, Clone)]
pub enum Backend {
    /// PostgreSQL.
    Postgres(PostgresStore),
    /// SQLite.
    Sqlite(SqliteStore),
}

impl Backend {
    /// The store as a trait object.
    pub fn store(&self) -> std::sync::Arc<dyn NotifierStore> {
        match self {
            Self::Postgres(store) => std::sync::Arc::new(store.clone()),
            Self::Sqlite(store) => std::sync::Arc::new(store.clone()),
        }
    }
}
