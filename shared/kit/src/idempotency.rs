//! Effects exactly once over at-least-once delivery: a consumer records `(consumer, source, id)`
//! of each event in `processed_events` in the same transaction as the event's effect. A duplicate
//! finds its key taken and is acknowledged without a second effect; an effect that rolls back
//! takes its key with it, so the retry runs.
//!
//! Consumers get this by default by writing a [`TransactionalHandler`] (the effect, given the open
//! transaction) and running it as [`Idempotent`], which is an [`EventHandler`]: it opens the
//! transaction, claims the key, applies the effect and commits, on PostgreSQL or SQLite. The
//! functions below are the same steps for a handler that manages its transaction itself:
//!
//! ```text
//! let mut tx = pool.begin().await?;
//! if !idempotency::claim_postgres(&mut tx, "analytics", &event).await? {
//!     return Ok(Outcome::Duplicate); // seen before
//! }
//! /* apply the effect with &mut *tx */
//! tx.commit().await?;
//! ```
//!
//! Concurrent duplicates are safe too: the second insert waits on the key until the first
//! transaction ends, then finds it taken (or free, if the first rolled back).

use async_trait::async_trait;
use sqlx::{Database, PgConnection, Pool, Postgres, Sqlite, SqliteConnection};
use todo_events::DomainEvent;

use crate::handler::{EventHandler, HandlerError, Outcome};

/// An effect applied inside the transaction that also records the event as processed.
#[async_trait]
pub trait TransactionalHandler<DB: Database>: Send + Sync {
    /// The consumer's name: its consumer group and the `consumer` of its idempotency keys.
    fn name(&self) -> &str;
    /// Applies the effect of `event` with `tx`. An error rolls everything back, the key included.
    async fn apply(&self, tx: &mut DB::Connection, event: &DomainEvent) -> Result<Outcome, HandlerError>;
}

/// A database that can hold idempotency keys.
#[async_trait]
pub trait IdempotencyStore: Database {
    /// Creates the keys' table unless it exists.
    async fn ensure_table(conn: &mut Self::Connection) -> Result<(), sqlx::Error>;
    /// Takes the key of `event` for `consumer` in the open transaction; `false` when taken.
    async fn claim(tx: &mut Self::Connection, consumer: &str, event: &DomainEvent) -> Result<bool, sqlx::Error>;
}

#[async_trait]
impl IdempotencyStore for Postgres {
    async fn ensure_table(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        ensure_table_postgres(conn).await
    }
    async fn claim(tx: &mut PgConnection, consumer: &str, event: &DomainEvent) -> Result<bool, sqlx::Error> {
        claim_postgres(tx, consumer, event).await
    }
}

#[async_trait]
impl IdempotencyStore for Sqlite {
    async fn ensure_table(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
        ensure_table_sqlite(conn).await
    }
    async fn claim(tx: &mut SqliteConnection, consumer: &str, event: &DomainEvent) -> Result<bool, sqlx::Error> {
        claim_sqlite(tx, consumer, event).await
    }
}

/// Runs a [`TransactionalHandler`] so that each event's effect happens once: a duplicate delivery
/// answers [`Outcome::Duplicate`] without touching anything.
#[derive(Debug)]
pub struct Idempotent<H, DB: Database> {
    pool: Pool<DB>,
    inner: H,
}

impl<H, DB> Idempotent<H, DB>
where
    DB: IdempotencyStore,
    H: TransactionalHandler<DB>,
{
    /// Wraps `inner`, keeping its keys in `pool`'s database (the table is created if missing).
    ///
    /// # Errors
    /// When the table cannot be created.
    pub async fn new(pool: Pool<DB>, inner: H) -> Result<Self, sqlx::Error> {
        let mut conn = pool.acquire().await?;
        DB::ensure_table(&mut conn).await?;
        drop(conn);
        Ok(Self { pool, inner })
    }

    /// The wrapped handler.
    pub fn inner(&self) -> &H {
        &self.inner
    }
}

fn retryable(error: sqlx::Error) -> HandlerError {
    HandlerError::Retryable(format!("database: {error}"))
}

#[async_trait]
impl<H, DB> EventHandler for Idempotent<H, DB>
where
    DB: IdempotencyStore,
    H: TransactionalHandler<DB>,
{
    fn name(&self) -> &str {
        self.inner.name()
    }

    async fn handle(&self, event: &DomainEvent) -> Result<Outcome, HandlerError> {
        let mut tx = self.pool.begin().await.map_err(retryable)?;
        if !DB::claim(&mut tx, self.inner.name(), event).await.map_err(retryable)? {
            return Ok(Outcome::Duplicate);
        }
        // An error returns early and drops `tx`, which rolls back the effect and the key.
        let outcome = self.inner.apply(&mut tx, event).await?;
        tx.commit().await.map_err(retryable)?;
        Ok(outcome)
    }
}

/// Applies the idempotency records' migrations (`shared/kit/migrations/postgres`) unless done.
///
/// # Errors
/// When a migration fails.
pub async fn ensure_table_postgres(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    todo_db::migrate::apply(sqlx::migrate!("./migrations/postgres"), conn)
        .await
        .map_err(|e| sqlx::Error::Migrate(Box::new(e)))
}

/// Applies the idempotency records' migrations (`shared/kit/migrations/sqlite`) unless done.
///
/// # Errors
/// When a migration fails.
pub async fn ensure_table_sqlite(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    todo_db::migrate::apply(sqlx::migrate!("./migrations/sqlite"), conn)
        .await
        .map_err(|e| sqlx::Error::Migrate(Box::new(e)))
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
    .bind(todo_db::time::micros(chrono::Utc::now()))
    .execute(tx)
    .await?;
    Ok(inserted.rows_affected() == 1)
}
