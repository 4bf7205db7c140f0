//! Adding events to the outbox from outside the task write path. Another function that keeps its
//! tables in the task database (the notifier's delivery results, the scheduler's due-date events)
//! enqueues its events here, inside its own transaction, so that they exist exactly when its change
//! does; the outbox relay publishes them with everything else.
//!
//! The database must have the task migrations applied (`store::connect` does that).

use sqlx::{PgConnection, SqliteConnection};
use todo_events::DomainEvent;

use super::outbox_columns::OutboxColumns;
use crate::Result;

/// Inserts `events` into the PostgreSQL outbox with `conn` (normally an open transaction).
///
/// # Errors
/// When the statement fails (e.g. an event id already in the outbox).
pub async fn enqueue_postgres(conn: &mut PgConnection, events: &[DomainEvent]) -> Result<()> {
    for row in events.iter().map(OutboxColumns::of) {
        sqlx::query(
            "INSERT INTO outbox (event_id, event_type, topic, partition_key, event_data, created_at) \
             VALUES ($1::uuid, $2, $3, $4, $5::jsonb, $6)",
        )
        .bind(row.event_id)
        .bind(row.event_type)
        .bind(row.topic)
        .bind(row.partition_key)
        .bind(row.data)
        .bind(row.at)
        .execute(&mut *conn)
        .await?;
    }
    if !events.is_empty() {
        // Wakes a relay waiting on LISTEN outbox when this transaction commits.
        sqlx::query("SELECT pg_notify('outbox', '')")
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Inserts `events` into the SQLite outbox with `conn` (normally an open transaction).
///
/// # Errors
/// When the statement fails.
pub async fn enqueue_sqlite(conn: &mut SqliteConnection, events: &[DomainEvent]) -> Result<()> {
    for row in events.iter().map(OutboxColumns::of) {
        sqlx::query(
            "INSERT INTO outbox (event_id, event_type, topic, partition_key, event_data, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .bind(row.event_id)
        .bind(row.event_type)
        .bind(row.topic)
        .bind(row.partition_key)
        .bind(row.data)
        .bind(todo_db::time::micros(row.at))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
