//! The audit trail in SQLite: `analytics_audit`, one row per event id, times in microseconds.

use sqlx::{SqliteConnection, SqlitePool};

use super::{micros, time};
use crate::Result;
use crate::audit::{AuditEntry, AuditQuery};

/// Records `entry` unless its event is there already.
pub(super) async fn insert(tx: &mut SqliteConnection, entry: &AuditEntry) -> Result<()> {
    sqlx::query(
        "INSERT INTO analytics_audit (id, at, actor, event, service, method, route, resource_id, outcome, status, \
         trace_id, request_id, client) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) \
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(&entry.id)
    .bind(micros(entry.at))
    .bind(&entry.actor)
    .bind(&entry.event)
    .bind(&entry.service)
    .bind(&entry.method)
    .bind(&entry.route)
    .bind(&entry.resource_id)
    .bind(&entry.outcome)
    .bind(entry.status)
    .bind(&entry.trace_id)
    .bind(&entry.request_id)
    .bind(&entry.client)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    at: i64,
    actor: String,
    event: String,
    service: String,
    method: String,
    route: String,
    resource_id: Option<String>,
    outcome: String,
    status: i32,
    trace_id: Option<String>,
    request_id: Option<String>,
    client: Option<String>,
}

/// A page of the trail, newest first.
pub(super) async fn page(pool: &SqlitePool, query: &AuditQuery) -> Result<Vec<AuditEntry>> {
    let (before_at, before_id) = match &query.before {
        Some(cursor) => (Some(micros(cursor.at)), Some(cursor.id.clone())),
        None => (None, None),
    };
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, at, actor, event, service, method, route, resource_id, outcome, status, trace_id, request_id, client \
         FROM analytics_audit \
         WHERE (?1 IS NULL OR actor = ?1) AND (?2 IS NULL OR at < ?2 OR (at = ?2 AND id < ?3)) \
         ORDER BY at DESC, id DESC LIMIT ?4",
    )
    .bind(&query.actor)
    .bind(before_at)
    .bind(before_id)
    .bind(query.limit)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(AuditEntry {
                id: r.id,
                at: time(r.at)?,
                actor: r.actor,
                event: r.event,
                service: r.service,
                method: r.method,
                route: r.route,
                resource_id: r.resource_id,
                outcome: r.outcome,
                status: r.status,
                trace_id: r.trace_id,
                request_id: r.request_id,
                client: r.client,
            })
        })
        .collect()
}
