//! Deliveries, once for both engines: queueing (inside the event handler's transaction), the
//! delivery log, claiming with a lease, and recording attempts with their `notification.*` events
//! in the outbox. Claims are exclusive on both: PostgreSQL passes over rows another claimer is
//! taking (`FOR UPDATE SKIP LOCKED`), SQLite runs the lease under its single write lock, so two
//! workers (even in two processes on one file) never take the same delivery.

use chrono::{DateTime, Utc};
use sqlx::Pool;
use todo_events::DomainEvent;
use uuid::Uuid;

use super::attempt::{AttemptColumns, correlation_of};
use super::dialect::Dialect;
use super::statement::Statement;
use crate::Result;
use crate::model::{AttemptResult, Claim, DeliveryPage, DeliveryRecord};

const INSERT_DELIVERY: &str = "INSERT INTO notifier_deliveries (id, subscription_id, event_source, event_id, \
     event_type, correlation_id, traceparent, body, status, next_attempt_at, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $9, $9) ON CONFLICT DO NOTHING";

const OWNED_SUBSCRIPTION: &str = "SELECT id FROM notifier_subscriptions WHERE id = $1 AND owner_id = $2";

// sqlx sends each parameter's type, so PostgreSQL needs no cast for `$2 IS NULL`.
const DELIVERY_PAGE: &str = "SELECT id, event_id, event_type, status, attempts, last_status_code, last_error, \
     next_attempt_at, created_at, updated_at, completed_at FROM notifier_deliveries \
     WHERE subscription_id = $1 AND ($2 IS NULL OR id < $2) ORDER BY id DESC LIMIT $3";

const RECORD_ATTEMPT: &str = "UPDATE notifier_deliveries SET status = $3, attempts = attempts + $4, \
     last_status_code = $5, last_error = $6, next_attempt_at = $7, \
     first_attempt_at = CASE WHEN $4 > 0 THEN COALESCE(first_attempt_at, $8) ELSE first_attempt_at END, \
     updated_at = $8, completed_at = $9, lease_token = NULL, leased_until = NULL \
     WHERE id = $1 AND lease_token = $2";

const DISABLE_SUBSCRIPTION: &str =
    "UPDATE notifier_subscriptions SET active = FALSE, disabled_reason = $2 WHERE id = $1";

/// Queues one pending delivery of `event` per active subscription of `owner` that includes its
/// type, due at `now`, with `conn` (the handler's transaction). Returns how many were queued;
/// a delivery that already exists (same subscription and event) is not queued twice.
///
/// # Errors
/// When a statement fails.
pub(crate) async fn queue<D: Dialect>(
    conn: &mut D::Connection,
    owner: &str,
    event: &DomainEvent,
    now: DateTime<Utc>,
) -> Result<usize> {
    let subscriptions: Vec<D::Id> = Statement::new(D::SQL.subscribers)
        .bind(owner)
        .bind(event.event_type().as_str())
        .fetch_all::<D, _>(conn)
        .await?;
    let body = event.to_structured_json().to_string();
    let mut queued = 0;
    for subscription in subscriptions {
        let subscription: Uuid = subscription.try_into()?;
        let inserted = Statement::new(INSERT_DELIVERY)
            .bind(Uuid::now_v7())
            .bind(subscription)
            .bind(&event.source)
            .bind(event.id.to_string())
            .bind(event.event_type().as_str())
            .bind(correlation_of(event))
            .bind(&event.metadata.traceparent)
            .bind(&body)
            .bind(now)
            .execute::<D>(conn)
            .await?;
        queued += usize::try_from(inserted).unwrap_or(0);
    }
    Ok(queued)
}

/// Up to `limit` deliveries of `owner`'s `subscription`, newest first, older than `before`.
pub(super) async fn page<D: Dialect>(
    pool: &Pool<D>,
    owner: &str,
    subscription: Uuid,
    limit: usize,
    before: Option<Uuid>,
) -> Result<Option<DeliveryPage>> {
    let mut conn = pool.acquire().await?;
    let owned: Option<D::Id> = Statement::new(OWNED_SUBSCRIPTION)
        .bind(subscription)
        .bind(owner)
        .fetch_optional::<D, _>(&mut conn)
        .await?;
    if owned.is_none() {
        return Ok(None);
    }
    let rows: Vec<D::Delivery> = Statement::new(DELIVERY_PAGE)
        .bind(subscription)
        .bind(before)
        .bind(limit + 1)
        .fetch_all::<D, _>(&mut conn)
        .await?;
    let mut items = rows
        .into_iter()
        .map(TryInto::try_into)
        .collect::<Result<Vec<DeliveryRecord>>>()?;
    let next_cursor = if items.len() > limit {
        items.truncate(limit);
        items.last().map(|d| d.id.to_string())
    } else {
        None
    };
    Ok(Some(DeliveryPage { items, next_cursor }))
}

/// Leases up to `limit` deliveries due at `now` until `lease_until` to a new token.
pub(super) async fn claim<D: Dialect>(
    pool: &Pool<D>,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<Claim>> {
    let token = Uuid::new_v4();
    let lease = Statement::new(D::SQL.claim)
        .bind(now)
        .bind(limit)
        .bind(token)
        .bind(lease_until);
    let mut tx = pool.begin().await?;
    let rows: Vec<D::Claimed> = match D::SQL.claimed {
        None => lease.fetch_all::<D, _>(&mut tx).await?,
        Some(claimed) => {
            lease.execute::<D>(&mut tx).await?;
            Statement::new(claimed).bind(token).fetch_all::<D, _>(&mut tx).await?
        }
    };
    tx.commit().await?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// Records `result` on `claim`'s delivery and enqueues `events`, if the lease is still `claim`'s.
pub(super) async fn record<D: Dialect>(
    pool: &Pool<D>,
    claim: &Claim,
    result: &AttemptResult,
    events: &[DomainEvent],
    now: DateTime<Utc>,
) -> Result<bool> {
    let c = AttemptColumns::of(result);
    let mut tx = pool.begin().await?;
    let updated = Statement::new(RECORD_ATTEMPT)
        .bind(claim.delivery_id)
        .bind(claim.lease_token)
        .bind(c.status)
        .bind(c.attempts_added)
        .bind(c.status_code)
        .bind(c.error)
        .bind(c.next_attempt_at)
        .bind(now)
        .bind(c.completed.then_some(now))
        .execute::<D>(&mut tx)
        .await?;
    if updated != 1 {
        return Ok(false);
    }
    if let Some(reason) = c.disable {
        Statement::new(DISABLE_SUBSCRIPTION)
            .bind(claim.subscription_id)
            .bind(reason)
            .execute::<D>(&mut tx)
            .await?;
    }
    D::enqueue(&mut tx, events).await?;
    tx.commit().await?;
    Ok(true)
}
