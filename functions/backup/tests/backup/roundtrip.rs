//! A populated database backed up to a folder and to S3, each backup restored into a fresh empty
//! database: every row of every table comes back, and the platform works on the restored one.

use backup::{Engine, SnapshotSettings, no_progress, restore, snapshot};
use todo_domain::{TaskDraft, WriteContext};
use todo_testing::TestDatabase;

use crate::helpers::{TestStore, dump, populate};

async fn roundtrip(source: TestDatabase, fresh: impl Fn() -> std::pin::Pin<Box<dyn Future<Output = TestDatabase>>>) {
    // Arrange
    let _platform = populate(source.url()).await;
    let before = dump(source.url()).await;
    for table in [
        "tasks",
        "task_history",
        "outbox",
        "task_due_marks",
        "task_list_versions",
    ] {
        assert!(!before[table].is_empty(), "{table} was not populated");
    }
    for table in [
        "notifier_subscriptions",
        "notifier_deliveries",
        "analytics_tasks",
        "analytics_completions",
        "analytics_counters",
        "processed_events",
    ] {
        assert!(!before[table].is_empty(), "{table} was not populated");
    }
    let settings = SnapshotSettings {
        outbox_retention_hours: 72,
    };

    for store in [TestStore::folder(), TestStore::s3()] {
        // Act: a backup while the platform's pools are open, restored into an empty database.
        let manifest = snapshot(source.url(), store.get(), &settings).await.expect("snapshot");
        let target = fresh().await;
        let report = restore(store.get(), &manifest.id, target.url(), no_progress())
            .await
            .unwrap_or_else(|e| panic!("restore from {}: {e}", store.get().describe()));

        // Assert
        assert_eq!(report.rows, manifest.total_rows() - migrations_rows(&manifest));
        assert_eq!(
            dump(target.url()).await,
            before,
            "restored from {}",
            store.get().describe()
        );
        assert_eq!(manifest.outbox_retention_hours, 72);
        assert!(!manifest.schema_versions.is_empty());
        let newest = manifest.newest_event.as_ref().expect("the outbox has events");
        assert!(before["outbox"].iter().any(|row| row.contains(&newest.event_id)));
        assert!(manifest.newest_published_outbox_id.is_some());
        let tasks = manifest.tables.iter().find(|t| t.name == "tasks").expect("tasks");
        assert_eq!(tasks.rows as usize, before["tasks"].len());

        // The platform opens the restored database and goes on where it was.
        let store = todo_tasks::store::connect(target.url()).await.expect("open restored");
        let ctx = WriteContext::new("alice", "/functions/task-api", todo_events::EventMetadata::default());
        let new = store
            .create(
                &ctx,
                TaskDraft {
                    title: "After the restore".into(),
                    ..TaskDraft::default()
                }
                .validate()
                .unwrap(),
            )
            .await
            .expect("a task created after the restore");
        let largest = max_task_id(source.url()).await;
        assert!(
            new.id > largest,
            "new id {} reuses the restored ids (up to {largest})",
            new.id
        );
    }
}

fn migrations_rows(manifest: &backup::Manifest) -> u64 {
    if manifest.engine == Engine::Postgres {
        manifest
            .tables
            .iter()
            .find(|t| t.name == "_sqlx_migrations")
            .map_or(0, |t| t.rows)
    } else {
        0
    }
}

/// The largest task id at `url`.
async fn max_task_id(url: &str) -> i64 {
    use sqlx::Connection;
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
        sqlx::query_scalar("SELECT max(id) FROM tasks")
            .fetch_one(&mut conn)
            .await
            .expect("max")
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await.expect("connect");
        sqlx::query_scalar("SELECT max(id) FROM tasks")
            .fetch_one(&mut conn)
            .await
            .expect("max")
    }
}

#[tokio::test]
async fn postgres_comes_back_row_for_row_from_a_folder_and_from_s3() {
    roundtrip(TestDatabase::postgres().await, || Box::pin(TestDatabase::postgres())).await;
}

#[tokio::test]
async fn sqlite_comes_back_row_for_row_from_a_folder_and_from_s3() {
    roundtrip(TestDatabase::sqlite(), || Box::pin(async { TestDatabase::sqlite() })).await;
}
