//! The PostgreSQL store: subscriptions here, deliveries in [`deliveries`].

mod deliveries;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::postgres::{PgPool, PgPoolOptions};
use todo_events::DomainEvent;
use uuid::Uuid;

pub(crate) use deliveries::queue;

use super::NotifierStore;
use crate::model::{AttemptResult, Claim, DeliveryPage, NewSubscription, Subscription};
use crate::{Error, Result};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS notifier_subscriptions (
    id              UUID PRIMARY KEY,
    owner_id        TEXT NOT NULL,
    url             TEXT NOT NULL,
    event_types     TEXT[] NOT NULL,
    secret          TEXT NOT NULL,
    description     TEXT,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    disabled_reason TEXT,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS notifier_subscriptions_owner_idx ON notifier_subscriptions (owner_id, created_at);
CREATE TABLE IF NOT EXISTS notifier_deliveries (
    id               UUID PRIMARY KEY,
    subscription_id  UUID NOT NULL REFERENCES notifier_subscriptions (id) ON DELETE CASCADE,
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
    next_attempt_at  TIMESTAMPTZ,
    first_attempt_at TIMESTAMPTZ,
    lease_token      UUID,
    leased_until     TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    completed_at     TIMESTAMPTZ,
    UNIQUE (subscription_id, event_source, event_id)
);
CREATE INDEX IF NOT EXISTS notifier_deliveries_due_idx ON notifier_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS notifier_deliveries_log_idx ON notifier_deliveries (subscription_id, id DESC);
";

/// Subscriptions and deliveries in PostgreSQL.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

#[derive(sqlx::FromRow)]
struct SubscriptionRow {
    id: Uuid,
    url: String,
    event_types: Vec<String>,
    description: Option<String>,
    active: bool,
    disabled_reason: Option<String>,
    created_at: DateTime<Utc>,
}

impl From<SubscriptionRow> for Subscription {
    fn from(r: SubscriptionRow) -> Self {
        Self {
            id: r.id,
            url: r.url,
            event_types: r.event_types,
            description: r.description,
            active: r.active,
            disabled_reason: r.disabled_reason,
            created_at: r.created_at,
        }
    }
}

const SUBSCRIPTION_COLUMNS: &str = "id, url, event_types, description, active, disabled_reason, created_at";

impl PostgresStore {
    /// Connects, applies the task migrations and creates the notifier's tables.
    ///
    /// # Errors
    /// When connecting or a statement fails.
    pub async fn connect(url: &str) -> Result<Self> {
        drop(todo_tasks::store::connect(url).await?);
        let pool = PgPoolOptions::new().max_connections(10).connect(url).await?;
        let mut tx = pool.begin().await?;
        // Two instances starting at once would race on CREATE TABLE IF NOT EXISTS.
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext('notifier_schema'))")
            .execute(&mut *tx)
            .await?;
        sqlx::raw_sql(SCHEMA).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(Self { pool })
    }

    /// The pool, for the idempotent event handler.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

#[async_trait]
impl NotifierStore for PostgresStore {
    async fn create_subscription(
        &self,
        owner: &str,
        new: &NewSubscription,
        max: usize,
        now: DateTime<Utc>,
    ) -> Result<Subscription> {
        let mut tx = self.pool.begin().await?;
        // Serializes one owner's creations, so two at once cannot both pass the limit.
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext('notifier_subscriptions:' || $1))")
            .bind(owner)
            .execute(&mut *tx)
            .await?;
        let count: i64 = sqlx::query_scalar("SELECT count(*) FROM notifier_subscriptions WHERE owner_id = $1")
            .bind(owner)
            .fetch_one(&mut *tx)
            .await?;
        if usize::try_from(count).unwrap_or(usize::MAX) >= max {
            return Err(Error::LimitReached { max });
        }
        let row: SubscriptionRow = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "INSERT INTO notifier_subscriptions (id, owner_id, url, event_types, secret, description, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {SUBSCRIPTION_COLUMNS}"
        )))
        .bind(Uuid::now_v7())
        .bind(owner)
        .bind(&new.url)
        .bind(&new.event_types)
        .bind(new.secret.expose())
        .bind(&new.description)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(row.into())
    }

    async fn list_subscriptions(&self, owner: &str) -> Result<Vec<Subscription>> {
        let rows: Vec<SubscriptionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM notifier_subscriptions WHERE owner_id = $1 ORDER BY created_at, id"
        )))
        .bind(owner)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn get_subscription(&self, owner: &str, id: Uuid) -> Result<Option<Subscription>> {
        let row: Option<SubscriptionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM notifier_subscriptions WHERE owner_id = $1 AND id = $2"
        )))
        .bind(owner)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(Into::into))
    }

    async fn delete_subscription(&self, owner: &str, id: Uuid) -> Result<bool> {
        let deleted = sqlx::query("DELETE FROM notifier_subscriptions WHERE owner_id = $1 AND id = $2")
            .bind(owner)
            .bind(id)
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
