//! The idempotency helper on both databases: a duplicate delivery has no second effect, a rolled
//! back effect does not keep its key, and concurrent duplicates apply once; the same through the
//! `Idempotent` handler wrapper that consumers use.

use chrono::Utc;
use sqlx::{Connection, PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool};
use todo_events::{DomainEvent, EventMetadata, EventPayload, TaskDeleted};
use todo_kit::handler::{EventHandler, HandlerError, Outcome};
use todo_kit::idempotency::{
    Idempotent, TransactionalHandler, claim_postgres, claim_sqlite, ensure_table_postgres, ensure_table_sqlite,
};
use todo_testing::TestDatabase;

fn event() -> DomainEvent {
    let payload = EventPayload::TaskDeleted(TaskDeleted {
        task_id: 1,
        deletion_reason: None,
    });
    DomainEvent::new("/functions/task-api", Utc::now(), EventMetadata::default(), payload)
}

async fn pg_effect(url: &str, event: &DomainEvent, commit: bool) -> bool {
    let mut conn = PgConnection::connect(url).await.expect("connect");
    let mut tx = conn.begin().await.expect("begin");
    if !claim_postgres(&mut tx, "counter", event).await.expect("claim") {
        return false;
    }
    sqlx::query("INSERT INTO effects (event_id) VALUES ($1)")
        .bind(event.id.to_string())
        .execute(&mut *tx)
        .await
        .expect("effect");
    if commit {
        tx.commit().await.expect("commit");
    }
    true
}

async fn sqlite_effect(conn: &mut SqliteConnection, event: &DomainEvent, commit: bool) -> bool {
    let mut tx = conn.begin().await.expect("begin");
    if !claim_sqlite(&mut tx, "counter", event).await.expect("claim") {
        return false;
    }
    sqlx::query("INSERT INTO effects (event_id) VALUES (?1)")
        .bind(event.id.to_string())
        .execute(&mut *tx)
        .await
        .expect("effect");
    if commit {
        tx.commit().await.expect("commit");
    }
    true
}

#[tokio::test]
async fn on_postgres_each_event_has_its_effect_once() {
    let db = TestDatabase::postgres().await;
    let mut conn = PgConnection::connect(db.url()).await.expect("connect");
    ensure_table_postgres(&mut conn).await.expect("table");
    ensure_table_postgres(&mut conn).await.expect("twice is fine");
    sqlx::query("CREATE TABLE effects (event_id TEXT NOT NULL)")
        .execute(&mut conn)
        .await
        .expect("effects");
    let event = event();

    assert!(
        pg_effect(db.url(), &event, false).await,
        "first try runs, then rolls back"
    );
    assert!(
        pg_effect(db.url(), &event, true).await,
        "the rolled-back key is free again"
    );
    assert!(!pg_effect(db.url(), &event, true).await, "a duplicate is skipped");

    let other = self::event();
    let url = db.url().to_owned();
    let attempts = (0..8).map(|_| {
        let (url, other) = (url.clone(), other.clone());
        tokio::spawn(async move { pg_effect(&url, &other, true).await })
    });
    let mut applied = 0;
    for attempt in attempts.collect::<Vec<_>>() {
        applied += usize::from(attempt.await.expect("task"));
    }
    assert_eq!(applied, 1, "concurrent duplicates apply once");
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM effects")
        .fetch_one(&mut conn)
        .await
        .expect("count");
    assert_eq!(count, 2);
}

#[tokio::test]
async fn on_sqlite_each_event_has_its_effect_once() {
    let db = TestDatabase::sqlite();
    let options: sqlx::sqlite::SqliteConnectOptions = db
        .url()
        .parse::<sqlx::sqlite::SqliteConnectOptions>()
        .expect("url")
        .create_if_missing(true);
    let mut conn = SqliteConnection::connect_with(&options).await.expect("connect");
    ensure_table_sqlite(&mut conn).await.expect("table");
    ensure_table_sqlite(&mut conn).await.expect("twice is fine");
    sqlx::query("CREATE TABLE effects (event_id TEXT NOT NULL)")
        .execute(&mut conn)
        .await
        .expect("effects");
    let event = event();
    assert!(sqlite_effect(&mut conn, &event, false).await);
    assert!(sqlite_effect(&mut conn, &event, true).await);
    assert!(!sqlite_effect(&mut conn, &event, true).await);
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM effects")
        .fetch_one(&mut conn)
        .await
        .expect("count");
    assert_eq!(count, 1);
}

/// An effect for the [`Idempotent`] wrapper: inserts a row, or fails after inserting when told to.
struct Effect {
    fail_once: std::sync::atomic::AtomicBool,
}

impl Effect {
    fn failing_once() -> Self {
        Self {
            fail_once: std::sync::atomic::AtomicBool::new(true),
        }
    }

    fn verdict(&self) -> Result<Outcome, HandlerError> {
        if self.fail_once.swap(false, std::sync::atomic::Ordering::SeqCst) {
            Err(HandlerError::Retryable("the effect failed after writing".into()))
        } else {
            Ok(Outcome::Done)
        }
    }
}

#[async_trait::async_trait]
impl TransactionalHandler<Postgres> for Effect {
    fn name(&self) -> &str {
        "wrapped"
    }
    async fn apply(&self, tx: &mut PgConnection, event: &DomainEvent) -> Result<Outcome, HandlerError> {
        sqlx::query("INSERT INTO effects (event_id) VALUES ($1)")
            .bind(event.id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(|e| HandlerError::Retryable(e.to_string()))?;
        self.verdict()
    }
}

#[async_trait::async_trait]
impl TransactionalHandler<Sqlite> for Effect {
    fn name(&self) -> &str {
        "wrapped"
    }
    async fn apply(&self, tx: &mut SqliteConnection, event: &DomainEvent) -> Result<Outcome, HandlerError> {
        sqlx::query("INSERT INTO effects (event_id) VALUES (?1)")
            .bind(event.id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(|e| HandlerError::Retryable(e.to_string()))?;
        self.verdict()
    }
}

/// The wrapper's contract on any database: a failed effect leaves nothing (not even the key), the
/// retry applies it, a redelivery is a `Duplicate` with no second effect.
async fn the_wrapper_applies_each_event_once(handler: &dyn EventHandler, count: impl AsyncFn() -> i64) {
    let event = event();
    assert!(matches!(handler.handle(&event).await, Err(HandlerError::Retryable(_))));
    assert_eq!(count().await, 0, "the failed effect rolled back");
    assert_eq!(handler.handle(&event).await, Ok(Outcome::Done));
    assert_eq!(handler.handle(&event).await, Ok(Outcome::Duplicate));
    assert_eq!(handler.handle(&self::event()).await, Ok(Outcome::Done));
    assert_eq!(count().await, 2);
}

#[tokio::test]
async fn on_postgres_the_idempotent_wrapper_applies_each_event_once() {
    let db = TestDatabase::postgres().await;
    let pool = PgPool::connect(db.url()).await.expect("pool");
    sqlx::query("CREATE TABLE effects (event_id TEXT NOT NULL)")
        .execute(&pool)
        .await
        .expect("effects");
    let handler = Idempotent::new(pool.clone(), Effect::failing_once())
        .await
        .expect("wrapper");
    let count = async || -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM effects")
            .fetch_one(&pool)
            .await
            .expect("count")
    };
    the_wrapper_applies_each_event_once(&handler, count).await;
}

#[tokio::test]
async fn on_sqlite_the_idempotent_wrapper_applies_each_event_once() {
    let db = TestDatabase::sqlite();
    let options = db
        .url()
        .parse::<sqlx::sqlite::SqliteConnectOptions>()
        .expect("url")
        .create_if_missing(true);
    let pool = SqlitePool::connect_with(options).await.expect("pool");
    sqlx::query("CREATE TABLE effects (event_id TEXT NOT NULL)")
        .execute(&pool)
        .await
        .expect("effects");
    let handler = Idempotent::new(pool.clone(), Effect::failing_once())
        .await
        .expect("wrapper");
    let count = async || -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM effects")
            .fetch_one(&pool)
            .await
            .expect("count")
    };
    the_wrapper_applies_each_event_once(&handler, count).await;
}
