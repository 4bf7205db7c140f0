//! List versions as task-api's list cache relies on them: a store reads its own writes at once,
//! and a second store on the same database (another task-api instance) sees them promptly. On
//! PostgreSQL versions are served from memory kept current by notifications, so these cases also
//! check that losing the notification connection never leaves a stale version behind. On SQLite
//! they are served while the file's WAL index says nothing committed, so there a write by any
//! connection is seen at once.

use std::time::{Duration, Instant};

use todo_tasks::store::TaskStore;
use todo_testing::TestDatabase;

use crate::fixtures::{create, draft};

async fn open(db: &TestDatabase) -> std::sync::Arc<dyn TaskStore> {
    todo_tasks::store::connect(db.url()).await.expect("open store")
}

/// Reads the version twice: the second read is the one a cache would serve.
async fn version(store: &dyn TaskStore, owner: &str) -> i64 {
    let first = store.list_version(owner).await.expect("version");
    let second = store.list_version(owner).await.expect("version");
    assert!(second >= first, "a version went back: {first} then {second}");
    second
}

async fn a_store_reads_its_own_writes_at_once(db: TestDatabase) {
    let store = open(&db).await;
    let mut expected = version(store.as_ref(), "alice").await;
    for i in 0..30 {
        create(store.as_ref(), "alice", draft(&format!("t{i}"))).await;
        expected += 1;
        assert_eq!(version(store.as_ref(), "alice").await, expected, "after write {i}");
    }
}

async fn another_store_sees_a_write_promptly(db: TestDatabase) {
    let writer = open(&db).await;
    let reader = open(&db).await;
    for round in 0..10 {
        let before = version(reader.as_ref(), "alice").await;
        // Let the reader's listener (if any) be up before the write.
        tokio::time::sleep(Duration::from_millis(50)).await;
        create(writer.as_ref(), "alice", draft(&format!("t{round}"))).await;
        let truth = writer.list_version("alice").await.expect("version");
        assert_eq!(truth, before + 1);
        let started = Instant::now();
        while version(reader.as_ref(), "alice").await != truth {
            assert!(
                started.elapsed() < Duration::from_secs(2),
                "round {round}: the other store still says {} after 2 s",
                reader.list_version("alice").await.expect("version")
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// The reader's notification connection is killed; writes made while it is gone must still be
/// seen at once, since their notifications went nowhere.
async fn a_lost_notification_connection_leaves_no_stale_version(db: TestDatabase) {
    let writer = open(&db).await;
    let reader = open(&db).await;
    version(reader.as_ref(), "alice").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let admin = sqlx::PgPool::connect(db.url()).await.expect("admin");
    let killed: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND query LIKE 'LISTEN%'",
    )
    .fetch_all(&admin)
    .await
    .expect("terminate");
    assert!(!killed.is_empty(), "the reader had no LISTEN connection");
    tokio::time::sleep(Duration::from_millis(200)).await;
    for round in 0..5 {
        create(writer.as_ref(), "alice", draft(&format!("while gone {round}"))).await;
        let truth = writer.list_version("alice").await.expect("version");
        assert_eq!(version(reader.as_ref(), "alice").await, truth, "round {round}");
    }
    // Listening again (after a pause of about a second), it serves fresh versions too.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for round in 0..5 {
        version(reader.as_ref(), "alice").await;
        create(writer.as_ref(), "alice", draft(&format!("after {round}"))).await;
        let truth = writer.list_version("alice").await.expect("version");
        let started = Instant::now();
        while version(reader.as_ref(), "alice").await != truth {
            assert!(
                started.elapsed() < Duration::from_secs(2),
                "round {round}: stale after reconnecting"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

#[tokio::test]
async fn on_sqlite_a_store_reads_its_own_writes_at_once() {
    a_store_reads_its_own_writes_at_once(TestDatabase::sqlite()).await;
}

#[tokio::test]
async fn on_postgres_a_store_reads_its_own_writes_at_once() {
    a_store_reads_its_own_writes_at_once(TestDatabase::postgres().await).await;
}

#[tokio::test]
async fn on_sqlite_another_store_sees_a_write_promptly() {
    another_store_sees_a_write_promptly(TestDatabase::sqlite()).await;
}

#[tokio::test]
async fn on_postgres_another_store_sees_a_write_promptly() {
    another_store_sees_a_write_promptly(TestDatabase::postgres().await).await;
}

/// A write made outside any store (another process, a tool on the file) is seen by the very
/// next read, though the reader had just served the version from memory.
#[tokio::test]
async fn on_sqlite_a_write_by_any_connection_is_seen_at_once() {
    let db = TestDatabase::sqlite();
    let reader = open(&db).await;
    let writer = open(&db).await;
    let other = sqlx::SqlitePool::connect(db.url()).await.expect("a plain pool");
    for round in 1..=20 {
        // Served twice, the second time from memory.
        let before = version(reader.as_ref(), "alice").await;
        if round % 2 == 0 {
            create(writer.as_ref(), "alice", draft(&format!("t{round}"))).await;
        } else {
            sqlx::query(
                "INSERT INTO task_list_versions (owner_id, version) VALUES ('alice', 1) \
                 ON CONFLICT (owner_id) DO UPDATE SET version = version + 1",
            )
            .execute(&other)
            .await
            .expect("a bump by another connection");
        }
        assert_eq!(
            reader.list_version("alice").await.expect("version"),
            before + 1,
            "round {round}"
        );
    }
}

#[tokio::test]
async fn on_postgres_a_lost_notification_connection_leaves_no_stale_version() {
    a_lost_notification_connection_leaves_no_stale_version(TestDatabase::postgres().await).await;
}
