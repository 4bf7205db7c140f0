//! PostgreSQL deliveries: queueing (inside the event handler's transaction), the delivery log,
//! claiming with `FOR UPDATE SKIP LOCKED` and a lease, and recording attempts with their
//! `notification.*` events in the outbox.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use todo_events::DomainEvent;
use uuid::Uuid;

use crate::Result;
use crate::model::{AttemptResult, Claim, DeliveryPage, DeliveryRecord, DeliveryStatus};
use crate::store::{AttemptColumns, correlation_of};

/// Queues one pending delivery of `event` per active subscription of `owner` that includes its
/// type, due at `now`, with `conn` (the handler's transaction). Returns how many were queued;
/// a delivery that already exists (same subscription and event) is not queued twice.
///
/// # Errors
/// When a statement fails.
pub(crate) async fn queue(
    conn: &mut PgConnection,
    owner: &str,
    event: &DomainEvent,
    now: DateTime<Utc>,
) -> Result<usize> {
    let subscriptions: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM notifier_subscriptions WHERE owner_id = $1 AND active AND $2 = ANY(event_types) ORDER BY id",
    )
    .bind(owner)
    .bind(event.event_type().as_str())
    .fetch_all(&mut *conn)
    .await?;
    let body = event.to_structured_json().to_string();
    let mut queued = 0;
    for subscription in subscriptions {
        let inserted = sqlx::query(
            "INSERT INTO notifier_deliveries (id, subscription_id, event_source, event_id, event_type, \
             correlation_id, traceparent, body, status, next_attempt_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $9, $9) ON CONFLICT DO NOTHING",
        )
        .bind(Uuid::now_v7())
        .bind(subscription)
        .bind(&event.source)
        .bind(event.id.to_string())
        .bind(event.event_type().as_str())
        .bind(correlation_of(event))
        .bind(&event.metadata.traceparent)
        .bind(&body)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        queued += usize::try_from(inserted.rows_affected()).unwrap_or(0);
    }
    Ok(queued)
}

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    id: Uuid,
    event_id: String,
    event_type: String,
    status: String,
    attempts: i32,
    last_status_code: Option<i32>,
    last_error: Option<String>,
    next_attempt_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    completed_at: Option<DateTime<Utc>>,
}

pub(super) async fn page(
    pool: &PgPool,
    owner: &str,
    subscription: Uuid,
    limit: usize,
    before: Option<Uuid>,
) -> Result<Option<DeliveryPage>> {
    let owned: Option<i32> = sqlx::query_scalar("SELECT 1 FROM notifier_subscriptions WHERE id = $1 AND owner_id = $2")
        .bind(subscription)
        .bind(owner)
        .fetch_optional(pool)
        .await?;
    if owned.is_none() {
        return Ok(None);
    }
    let rows: Vec<DeliveryRow> = sqlx::query_as(
        "SELECT id, event_id, event_type, status, attempts, last_status_code, last_error, next_attempt_at, \
         created_at, updated_at, completed_at FROM notifier_deliveries \
         WHERE subscription_id = $1 AND ($2::uuid IS NULL OR id < $2) ORDER BY id DESC LIMIT $3",
    )
    .bind(subscription)
    .bind(before)
    .bind(i64::try_from(limit + 1).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await?;
    let mut items = rows
        .into_iter()
        .map(|r| {
            Ok(DeliveryRecord {
                id: r.id,
                event_id: r.event_id,
                event_type: r.event_type,
                status: DeliveryStatus::parse(&r.status)?,
                attempts: r.attempts,
                last_status_code: r.last_status_code,
                last_error: r.last_error,
                next_attempt_at: r.next_attempt_at,
                created_at: r.created_at,
                updated_at: r.updated_at,
                completed_at: r.completed_at,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let next_cursor = if items.len() > limit {
        items.truncate(limit);
        items.last().map(|d| d.id.to_string())
    } else {
        None
    };
    Ok(Some(DeliveryPage { items, next_cursor }))
}

#[derive(sqlx::FromRow)]
struct ClaimRow {
    id: Uuid,
    subscription_id: Uuid,
    owner_id: String,
    url: String,
    secret: String,
    active: bool,
    event_id: String,
    event_type: String,
    body: String,
    correlation_id: Option<String>,
    traceparent: Option<String>,
    attempts: i32,
    first_attempt_at: Option<DateTime<Utc>>,
}

pub(super) async fn claim(
    pool: &PgPool,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<Claim>> {
    let token = Uuid::new_v4();
    // SKIP LOCKED: a concurrent claimer passes over rows being claimed instead of waiting for
    // them (and then taking them too); the lease keeps them ours after this statement commits.
    let rows: Vec<ClaimRow> = sqlx::query_as(
        "WITH due AS (
            SELECT id FROM notifier_deliveries
            WHERE status = 'pending' AND next_attempt_at <= $1 AND (leased_until IS NULL OR leased_until <= $1)
            ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED
        ), claimed AS (
            UPDATE notifier_deliveries d SET lease_token = $3, leased_until = $4 FROM due WHERE d.id = due.id
            RETURNING d.id, d.subscription_id, d.event_id, d.event_type, d.body, d.correlation_id, d.traceparent,
                      d.attempts, d.first_attempt_at
        )
        SELECT c.*, s.owner_id, s.url, s.secret, s.active
        FROM claimed c JOIN notifier_subscriptions s ON s.id = c.subscription_id",
    )
    .bind(now)
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .bind(token)
    .bind(lease_until)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Claim {
            delivery_id: r.id,
            lease_token: token,
            subscription_id: r.subscription_id,
            owner_id: r.owner_id,
            url: r.url,
            secret: r.secret.into(),
            active: r.active,
            event_id: r.event_id,
            event_type: r.event_type,
            body: r.body,
            correlation_id: r.correlation_id,
            traceparent: r.traceparent,
            attempts: r.attempts,
            first_attempt_at: r.first_attempt_at,
        })
        .collect())
}

pub(super) async fn record(
    pool: &PgPool,
    claim: &Claim,
    result: &AttemptResult,
    events: &[DomainEvent],
    now: DateTime<Utc>,
) -> Result<bool> {
    let c = AttemptColumns::of(result);
    let mut tx = pool.begin().await?;
    let updated = sqlx::query(
        "UPDATE notifier_deliveries SET status = $3, attempts = attempts + $4, last_status_code = $5, \
         last_error = $6, next_attempt_at = $7, \
         first_attempt_at = CASE WHEN $4 > 0 THEN COALESCE(first_attempt_at, $8) ELSE first_attempt_at END, \
         updated_at = $8, completed_at = $9, lease_token = NULL, leased_until = NULL \
         WHERE id = $1 AND lease_token = $2",
    )
    .bind(claim.delivery_id)
    .bind(claim.lease_token)
    .bind(c.status)
    .bind(c.attempts_added)
    .bind(c.status_code)
    .bind(&c.error)
    .bind(c.next_attempt_at)
    .bind(now)
    .bind(c.completed.then_some(now))
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Ok(false);
    }
    if let Some(reason) = &c.disable {
        sqlx::query("UPDATE notifier_subscriptions SET active = FALSE, disabled_reason = $2 WHERE id = $1")
            .bind(claim.subscription_id)
            .bind(reason)
            .execute(&mut *tx)
            .await?;
    }
    todo_tasks::store::enqueue_postgres(&mut tx, events).await?;
    tx.commit().await?;
    Ok(true)
}
