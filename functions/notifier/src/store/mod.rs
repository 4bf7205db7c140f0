//! Subscriptions and deliveries, in the task database (`notifier_*` tables beside the task store's
//! `outbox`, so a delivery's result and its `notification.*` event commit together). One trait,
//! implemented for PostgreSQL and SQLite and checked by one conformance suite.
//!
//! The tables are created with `CREATE TABLE IF NOT EXISTS` when connecting, not with
//! `sqlx::migrate!`: the task store owns `_sqlx_migrations` in the same database.

mod postgres;
mod sqlite;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use todo_events::DomainEvent;
use uuid::Uuid;

pub use postgres::PostgresStore;
pub(crate) use postgres::queue as postgres_queue;
pub use sqlite::SqliteStore;
pub(crate) use sqlite::queue as sqlite_queue;

use crate::Result;
use crate::model::{AttemptResult, Claim, DeliveryPage, NewSubscription, Subscription};

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
/// `outbox` exists) and creates the notifier's tables.
///
/// # Errors
/// `Config` for another scheme; connection and DDL failures.
pub async fn connect(database_url: &str) -> Result<Backend> {
    if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
        Ok(Backend::Postgres(PostgresStore::connect(database_url).await?))
    } else if database_url.starts_with("sqlite:") {
        Ok(Backend::Sqlite(SqliteStore::connect(database_url).await?))
    } else {
        Err(crate::Error::Config(format!(
            "DATABASE_URL must start with postgres:// or sqlite://, got '{}'",
            database_url.split(':').next().unwrap_or_default()
        )))
    }
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

/// How a delivery's correlation id is chosen: the triggering event's, or its id when it had none
/// (so every notification can be tied back to what caused it).
pub(crate) fn correlation_of(event: &DomainEvent) -> String {
    event
        .metadata
        .correlation_id
        .clone()
        .unwrap_or_else(|| event.id.to_string())
}

/// The columns an attempt writes, computed once for both databases.
pub(crate) struct AttemptColumns {
    pub(crate) status: &'static str,
    pub(crate) attempts_added: i32,
    pub(crate) status_code: Option<i32>,
    pub(crate) error: Option<String>,
    pub(crate) next_attempt_at: Option<DateTime<Utc>>,
    pub(crate) completed: bool,
    pub(crate) disable: Option<String>,
}

impl AttemptColumns {
    pub(crate) fn of(result: &AttemptResult) -> Self {
        match result {
            AttemptResult::Sent { status_code } => Self {
                status: "sent",
                attempts_added: 1,
                status_code: Some(i32::from(*status_code)),
                error: None,
                next_attempt_at: None,
                completed: true,
                disable: None,
            },
            AttemptResult::Retry {
                status_code,
                error,
                next_attempt_at,
            } => Self {
                status: "pending",
                attempts_added: 1,
                status_code: status_code.map(i32::from),
                error: Some(error.clone()),
                next_attempt_at: Some(*next_attempt_at),
                completed: false,
                disable: None,
            },
            AttemptResult::Failed {
                status_code,
                error,
                attempted,
                disable,
            } => Self {
                status: "failed",
                attempts_added: i32::from(*attempted),
                status_code: status_code.map(i32::from),
                error: Some(error.clone()),
                next_attempt_at: None,
                completed: true,
                disable: disable.clone(),
            },
        }
    }
}
