//! What a restore refuses, and that a refused restore changes nothing: a target that holds data,
//! a part or manifest that does not match its checksum, an unknown id, another engine.

use backup::{Error, Manifest, SnapshotSettings, manifest_key, no_progress, restore, snapshot};
use bytes::Bytes;
use sqlx::Connection;
use todo_testing::TestDatabase;

use crate::helpers::{TestStore, dump, populate, table_names};

async fn backed_up(source: &TestDatabase, store: &TestStore) -> Manifest {
    let _platform = populate(source.url()).await;
    snapshot(source.url(), store.get(), &SnapshotSettings::default())
        .await
        .expect("snapshot")
}

async fn a_database_with_data_is_refused_and_left_as_it_was(source: TestDatabase, target: TestDatabase) {
    // Arrange
    let store = TestStore::folder();
    let manifest = backed_up(&source, &store).await;
    let tasks = todo_tasks::store::connect(target.url()).await.expect("target");
    let ctx = todo_domain::WriteContext::new("carol", "/functions/task-api", todo_events::EventMetadata::default());
    let draft = todo_domain::TaskDraft {
        title: "Already here".into(),
        ..Default::default()
    };
    tasks.create(&ctx, draft.validate().unwrap()).await.expect("create");
    drop(tasks);
    let before = dump(target.url()).await;

    // Act
    let refused = restore(store.get(), &manifest.id, target.url(), no_progress()).await;

    // Assert
    assert!(matches!(refused, Err(Error::NotEmpty(_))), "{refused:?}");
    let message = refused.unwrap_err().to_string();
    assert!(message.contains("not empty"), "{message}");
    assert_eq!(dump(target.url()).await, before);
}

#[tokio::test]
async fn a_postgres_database_with_data_is_refused_and_left_as_it_was() {
    a_database_with_data_is_refused_and_left_as_it_was(TestDatabase::postgres().await, TestDatabase::postgres().await)
        .await;
}

#[tokio::test]
async fn a_sqlite_file_with_tables_is_refused_and_left_as_it_was() {
    a_database_with_data_is_refused_and_left_as_it_was(TestDatabase::sqlite(), TestDatabase::sqlite()).await;
}

#[tokio::test]
async fn a_part_overwritten_in_the_store_is_refused_before_anything_is_written() {
    for (source, target, store) in [
        (
            TestDatabase::postgres().await,
            TestDatabase::postgres().await,
            TestStore::s3(),
        ),
        (TestDatabase::sqlite(), TestDatabase::sqlite(), TestStore::folder()),
    ] {
        // Arrange: one part replaced through the store (so the store's own checksum matches it).
        let manifest = backed_up(&source, &store).await;
        let part = manifest.parts.last().expect("a part");
        store
            .get()
            .put(&part.key, Bytes::from_static(b"\x1f\x8b not the backup"))
            .await
            .expect("overwrite");

        // Act
        let refused = restore(store.get(), &manifest.id, target.url(), no_progress()).await;

        // Assert
        let Err(Error::Corrupt { id, reason }) = &refused else {
            panic!("{refused:?}")
        };
        assert_eq!(id, &manifest.id);
        assert!(reason.contains(&part.key), "{reason}");
        assert!(table_names(target.url()).await.is_empty(), "the target was changed");
    }
}

#[tokio::test]
async fn an_edited_manifest_is_refused() {
    // Arrange
    let source = TestDatabase::sqlite();
    let target = TestDatabase::sqlite();
    let store = TestStore::s3();
    let manifest = backed_up(&source, &store).await;
    let key = manifest_key(&manifest.id);
    let text = String::from_utf8(store.get().get(&key).await.unwrap().unwrap().to_vec()).unwrap();
    let edited = text.replacen("\"rows\": ", "\"rows\": 1", 1);
    assert_ne!(edited, text);
    store.get().put(&key, Bytes::from(edited)).await.expect("overwrite");

    // Act
    let refused = restore(store.get(), &manifest.id, target.url(), no_progress()).await;

    // Assert
    let Err(error @ Error::Corrupt { .. }) = refused else {
        panic!("{refused:?}")
    };
    assert!(error.to_string().contains("checksum"), "{error}");
    assert!(table_names(target.url()).await.is_empty());
}

#[tokio::test]
async fn an_unknown_id_and_another_engine_are_refused() {
    let source = TestDatabase::sqlite();
    let store = TestStore::folder();
    let manifest = backed_up(&source, &store).await;

    let missing = restore(
        store.get(),
        "20200101T000000Z-abcd",
        TestDatabase::sqlite().url(),
        no_progress(),
    )
    .await;
    assert!(matches!(missing, Err(Error::NotFound { .. })), "{missing:?}");
    let bad = restore(store.get(), "../../etc", TestDatabase::sqlite().url(), no_progress()).await;
    assert!(matches!(bad, Err(Error::Config(_))), "{bad:?}");

    let postgres = TestDatabase::postgres().await;
    let other = restore(store.get(), &manifest.id, postgres.url(), no_progress()).await;
    assert!(matches!(other, Err(Error::SchemaMismatch(_))), "{other:?}");
    assert!(table_names(postgres.url()).await.is_empty());
}

/// A backup taken before a migration existed (one owner's newest version missing from it)
/// restores into this platform; one taken at a migration this platform does not know is refused
/// before any row is copied.
#[tokio::test]
async fn a_backup_from_an_older_platform_restores_and_one_from_a_newer_is_refused() {
    for (edit, restores) in [
        (
            "DELETE FROM _sqlx_migrations WHERE version = (SELECT max(version) FROM _sqlx_migrations)",
            true,
        ),
        (
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (999999, 'from the future', true, '\\x00', 0)",
            false,
        ),
    ] {
        // Arrange
        let source = TestDatabase::postgres().await;
        let store = TestStore::folder();
        let _platform = populate(source.url()).await;
        let mut conn = sqlx::PgConnection::connect(source.url()).await.expect("source");
        sqlx::query(edit).execute(&mut conn).await.expect("edit the migrations");
        let manifest = snapshot(source.url(), store.get(), &SnapshotSettings::default())
            .await
            .expect("snapshot");
        let target = TestDatabase::postgres().await;

        // Act
        let restored = restore(store.get(), &manifest.id, target.url(), no_progress()).await;

        // Assert
        if restores {
            restored.expect("an older backup restores");
            assert_eq!(
                dump(target.url()).await.get("tasks"),
                dump(source.url()).await.get("tasks")
            );
        } else {
            let message = restored.expect_err("a newer backup is refused").to_string();
            assert!(message.contains("999999"), "{message}");
            let copied: Vec<(String, Vec<String>)> = dump(target.url())
                .await
                .into_iter()
                .filter(|(table, rows)| table != "_sqlx_migrations" && !rows.is_empty())
                .collect();
            assert!(copied.is_empty(), "no row of the backup was copied: {copied:?}");
        }
    }
}
