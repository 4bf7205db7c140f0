//! Effects exactly once over at-least-once delivery: a consumer records `(consumer, source, id)`
//! of each event in `processed_events` in the same transaction as the event's effect. A duplicate
//! finds its key taken and is acknowledged without a second effect; an effect that rolls back
//! takes its key with it, so the retry runs.
//!
//! ```text
//! let mut tx = pool.begin().await?;
//! if !idempotency::claim_postgres(&mut tx, "analytics", &event).await? {
//!     return Ok(Outcome::Skipped); // seen before
//! }
//! /* apply the effect with &mut *tx */
//! tx.commit().await?;
//! ```
//!
//! Concurrent duplicates are safe too: the second insert waits on the key until the first
//! transaction ends, then finds it taken (or free, if the first rolled back).

use sqlx::{PgConnection, SqliteConnection};
use todo_events::DomainEvent;

/// Creates `processed_events` in a PostgreSQL database unless it exists.
///
/// # Errors
/// When the statement fails.
pub async fn ensure_table_postgres(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS processed_events (
            consumer     TEXT NOT NULL,
            source       TEXT NOT NULL,
            event_id     TEXT NOT NULL,
            processed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            PRIMARY KEY (consumer, source, event_id)
        )",
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Creates `processed_events` in a SQLite database unless it exists.
///
/// # Errors
/// When the statement fails.
pub async fn ensure_table_sqlite(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS processed_events (
            consumer     TEXT NOT NULL,
            source       TEXT NOT NULL,
            event_id     TEXT NOT NULL,
            processed_at INTEGER NOT NULL,
            PRIMARY KEY (consumer, source, event_id)
        )",
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Records that `consumer` processes `event`, inside the caller's transaction. `false` when it
/// was processed before: skip the effect.
///
/// # Errors
/// When the statement fails.
pub async fn claim_postgres(tx: &mut PgConnection, consumer: &str, event: &DomainEvent) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO processed_events (consumer, source, event_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(consumer)
    .bind(&event.source)
    .bind(event.id.to_string())
    .execute(tx)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// The same for SQLite.
///
/// # Errors
/// When the statement fails.
pub async fn claim_sqlite(tx: &mut SqliteConnection, consumer: &str, event: &DomainEvent) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO processed_events (consumer, source, event_id, processed_at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT DO NOTHING",
    )
    .bind(consumer)
    .bind(&event.source)
    .bind(event.id.to_string())
    .bind(chrono::Utc::now().timestamp_micros())
    .execute(tx)
    .await?;
    Ok(inserted.rows_affected() == 1)
}
