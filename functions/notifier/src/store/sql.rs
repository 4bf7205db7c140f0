//! The store, once for both engines: subscriptions here, deliveries in [`super::deliveries`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{Database, Pool};
use todo_events::DomainEvent;
use uuid::Uuid;

use super::dialect::Dialect;
use super::rows::subscription_columns;
use super::statement::Statement;
use super::{NotifierStore, deliveries};
use crate::model::{AttemptResult, Claim, DeliveryPage, NewSubscription, Subscription};
use crate::{Error, Result};

/// Subscriptions and deliveries in a PostgreSQL or SQLite database
/// ([`PostgresStore`](super::PostgresStore), [`SqliteStore`](super::SqliteStore)).
#[derive(Debug)]
pub struct SqlStore<DB: Database> {
    /// Writes, and the event handler's transactions.
    writer: Pool<DB>,
    /// Reads: the writer's pool on PostgreSQL, read-only connections on SQLite, so reads never
    /// wait for the one writer.
    reader: Pool<DB>,
}

impl<DB: Database> Clone for SqlStore<DB> {
    fn clone(&self) -> Self {
        Self {
            writer: self.writer.clone(),
            reader: self.reader.clone(),
        }
    }
}

impl<DB: Database> SqlStore<DB> {
    pub(super) fn new(writer: Pool<DB>, reader: Pool<DB>) -> Self {
        Self { writer, reader }
    }

    /// The pool that writes, for the idempotent event handler.
    pub fn pool(&self) -> &Pool<DB> {
        &self.writer
    }
}

/// Owner `$1`'s subscriptions, and `$rest` (more conditions, an order).
macro_rules! select_subscriptions {
    ($rest:literal) => {
        concat!(
            "SELECT ",
            subscription_columns!(),
            " FROM notifier_subscriptions WHERE owner_id = $1",
            $rest
        )
    };
}

const INSERT_SUBSCRIPTION: &str = concat!(
    "INSERT INTO notifier_subscriptions (id, owner_id, url, event_types, secret, description, created_at) \
     SELECT $1, $2, $3, $4, $5, $6, $7 \
     WHERE (SELECT count(*) FROM notifier_subscriptions WHERE owner_id = $2) < $8 \
     RETURNING ",
    subscription_columns!()
);

#[async_trait]
impl<D: Dialect> NotifierStore for SqlStore<D> {
    async fn create_subscription(
        &self,
        owner: &str,
        new: &NewSubscription,
        max: usize,
        now: DateTime<Utc>,
    ) -> Result<Subscription> {
        let mut tx = self.writer.begin().await?;
        if let Some(lock) = D::SQL.lock_owner {
            Statement::new(lock).bind(owner).execute::<D>(&mut tx).await?;
        }
        // Counts and inserts in one statement: nothing is written at the limit.
        let row: Option<D::Subscription> = Statement::new(INSERT_SUBSCRIPTION)
            .bind(Uuid::now_v7())
            .bind(owner)
            .bind(&new.url)
            .bind(new.event_types.clone())
            .bind(new.secret.expose())
            .bind(&new.description)
            .bind(now)
            .bind(max)
            .fetch_optional::<D, _>(&mut tx)
            .await?;
        let row = row.ok_or(Error::LimitReached { max })?;
        tx.commit().await?;
        row.try_into()
    }

    async fn list_subscriptions(&self, owner: &str) -> Result<Vec<Subscription>> {
        let rows: Vec<D::Subscription> = Statement::new(select_subscriptions!(" ORDER BY created_at, id"))
            .bind(owner)
            .fetch_all::<D, _>(&mut *self.reader.acquire().await?)
            .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn get_subscription(&self, owner: &str, id: Uuid) -> Result<Option<Subscription>> {
        let row: Option<D::Subscription> = Statement::new(select_subscriptions!(" AND id = $2"))
            .bind(owner)
            .bind(id)
            .fetch_optional::<D, _>(&mut *self.reader.acquire().await?)
            .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn delete_subscription(&self, owner: &str, id: Uuid) -> Result<bool> {
        let deleted = Statement::new("DELETE FROM notifier_subscriptions WHERE owner_id = $1 AND id = $2")
            .bind(owner)
            .bind(id)
            .execute::<D>(&mut *self.writer.acquire().await?)
            .await?;
        Ok(deleted == 1)
    }

    async fn deliveries(
        &self,
        owner: &str,
        subscription: Uuid,
        limit: usize,
        before: Option<Uuid>,
    ) -> Result<Option<DeliveryPage>> {
        deliveries::page(&self.reader, owner, subscription, limit, before).await
    }

    async fn claim_due(&self, now: DateTime<Utc>, lease_until: DateTime<Utc>, limit: usize) -> Result<Vec<Claim>> {
        deliveries::claim(&self.writer, now, lease_until, limit).await
    }

    async fn record_attempt(
        &self,
        claim: &Claim,
        result: &AttemptResult,
        events: &[DomainEvent],
        now: DateTime<Utc>,
    ) -> Result<bool> {
        deliveries::record(&self.writer, claim, result, events, now).await
    }

    async fn ping(&self) -> Result<()> {
        Statement::new("SELECT 1")
            .execute::<D>(&mut *self.reader.acquire().await?)
            .await?;
        Ok(())
    }
}
