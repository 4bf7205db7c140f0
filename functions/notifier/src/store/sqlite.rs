//! The SQLite store (the embedded mode: the same file as the tasks). Times are microseconds since
//! the epoch, ids are hyphenated UUID text (UUIDv7 text sorts by creation time like the bytes
//! do), event types a JSON array. Deliveries are in [`deliveries`].

mod deliveries;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::sqlite::{SqlitePool, SqlitePoolOptions};
use todo_events::DomainEvent;
use uuid::Uuid;

pub(crate) use deliveries::queue;

use super::NotifierStore;
use crate::model::{AttemptResult, Claim, DeliveryPage, NewSubscription, Subscription};
use crate::{Error, Result};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS notifier_subscriptions (
    id              TEXT PRIMARY KEY,
    owner_id        TEXT NOT NULL,
    url             TEXT NOT NULL,
    event_types     TEXT NOT NULL CHECK (json_valid(event_types)),
    secret          TEXT NOT NULL,
    description     TEXT,
    active          INTEGER NOT NULL DEFAULT 1,
    disabled_reason TEXT,
    created_at      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS notifier_subscriptions_owner_idx ON notifier_subscriptions (owner_id, created_at);
CREATE TABLE IF NOT EXISTS notifier_deliveries (
    id               TEXT PRIMARY KEY,
    subscription_id  TEXT NOT NULL REFERENCES notifier_subscriptions (id) ON DELETE CASCADE,
    event_source     TEXT NOT NULL,
    event_id         TEXT NOT NULL,
    event_type       TEXT NOT NULL,
    correlation_id   TEXT,
    traceparent      TEXT,
    body             TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_status_code INTEGER,
    last_error       TEXT,
    next_attempt_at  INTEGER,
    first_attempt_at INTEGER,
    lease_token      TEXT,
    leased_until     INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    completed_at     INTEGER,
    UNIQUE (subscription_id, event_source, event_id)
);
CREATE INDEX IF NOT EXISTS notifier_deliveries_due_idx ON notifier_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS notifier_deliveries_log_idx ON notifier_deliveries (subscription_id, id);
";

/// Subscriptions and deliveries in a SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

pub(super) fn micros(time: DateTime<Utc>) -> i64 {
    time.timestamp_micros()
}

pub(super) fn time(micros: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_micros(micros).ok_or_else(|| Error::Corrupt(format!("time {micros} is out of range")))
}

pub(super) fn uuid(text: &str) -> Result<Uuid> {
    Uuid::parse_str(text).map_err(|e| Error::Corrupt(format!("id '{text}': {e}")))
}

#[derive(sqlx::FromRow)]
struct SubscriptionRow {
    id: String,
    url: String,
    event_types: String,
    description: Option<String>,
    active: bool,
    disabled_reason: Option<String>,
    created_at: i64,
}

impl TryFrom<SubscriptionRow> for Subscription {
    type Error = Error;

    fn try_from(r: SubscriptionRow) -> Result<Self> {
        Ok(Self {
            id: uuid(&r.id)?,
            event_types: serde_json::from_str(&r.event_types)
                .map_err(|e| Error::Corrupt(format!("subscription {} event_types: {e}", r.id)))?,
            url: r.url,
            description: r.description,
            active: r.active,
            disabled_reason: r.disabled_reason,
            created_at: time(r.created_at)?,
        })
    }
}

const SUBSCRIPTION_COLUMNS: &str = "id, url, event_types, description, active, disabled_reason, created_at";

impl SqliteStore {
    /// Opens (creating if needed) the file of a `sqlite://` URL, applies the task migrations and
    /// creates the notifier's tables.
    ///
    /// # Errors
    /// When the file cannot be opened or a statement fails.
    pub async fn connect(url: &str) -> Result<Self> {
        drop(todo_tasks::store::connect(url).await?);
        // The task store writes to the same file: its options wait for that writer rather than fail.
        let options = todo_db::sqlite::options(url)?;
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        sqlx::raw_sql(SCHEMA).execute(&pool).await?;
        Ok(Self { pool })
    }

    /// The pool, for the idempotent event handler.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

#[async_trait]
impl NotifierStore for SqliteStore {
    async fn create_subscription(
        &self,
        owner: &str,
        new: &NewSubscription,
        max: usize,
        now: DateTime<Utc>,
    ) -> Result<Subscription> {
        let types = serde_json::Value::from(new.event_types.clone()).to_string();
        // One statement: the count and the insert cannot be split by another writer.
        let row: Option<SubscriptionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "INSERT INTO notifier_subscriptions (id, owner_id, url, event_types, secret, description, created_at) \
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 \
             WHERE (SELECT count(*) FROM notifier_subscriptions WHERE owner_id = ?2) < ?8 \
             RETURNING {SUBSCRIPTION_COLUMNS}"
        )))
        .bind(Uuid::now_v7().to_string())
        .bind(owner)
        .bind(&new.url)
        .bind(types)
        .bind(new.secret.expose())
        .bind(&new.description)
        .bind(micros(now))
        .bind(i64::try_from(max).unwrap_or(i64::MAX))
        .fetch_optional(&self.pool)
        .await?;
        row.ok_or(Error::LimitReached { max })?.try_into()
    }

    async fn list_subscriptions(&self, owner: &str) -> Result<Vec<Subscription>> {
        let rows: Vec<SubscriptionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM notifier_subscriptions WHERE owner_id = ?1 ORDER BY created_at, id"
        )))
        .bind(owner)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn get_subscription(&self, owner: &str, id: Uuid) -> Result<Option<Subscription>> {
        let row: Option<SubscriptionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM notifier_subscriptions WHERE owner_id = ?1 AND id = ?2"
        )))
        .bind(owner)
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn delete_subscription(&self, owner: &str, id: Uuid) -> Result<bool> {
        let deleted = sqlx::query("DELETE FROM notifier_subscriptions WHERE owner_id = ?1 AND id = ?2")
            .bind(owner)
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(deleted.rows_affected() == 1)
    }

    async fn deliveries(
        &self,
        owner: &str,
        subscription: Uuid,
        limit: usize,
        before: Option<Uuid>,
    ) -> Result<Option<DeliveryPage>> {
        deliveries::page(&self.pool, owner, subscription, limit, before).await
    }

    async fn claim_due(&self, now: DateTime<Utc>, lease_until: DateTime<Utc>, limit: usize) -> Result<Vec<Claim>> {
        deliveries::claim(&self.pool, now, lease_until, limit).await
    }

    async fn record_attempt(
        &self,
        claim: &Claim,
        result: &AttemptResult,
        events: &[DomainEvent],
        now: DateTime<Utc>,
    ) -> Result<bool> {
        deliveries::record(&self.pool, claim, result, events, now).await
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}
