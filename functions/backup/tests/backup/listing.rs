//! Listing shows complete backups newest first; prune keeps what the retention says and removes
//! the rest, manifests and parts, and the parts of interrupted backups.

use std::collections::BTreeSet;

use backup::{SnapshotSettings, list, part_key, prune, snapshot};
use bytes::Bytes;
use chrono::{Duration, Utc};
use todo_testing::TestDatabase;

use crate::helpers::{TestStore, populate};

#[tokio::test]
async fn list_shows_complete_backups_newest_first_and_prune_deletes_the_rest() {
    // Arrange: three backups, and the parts of a backup interrupted two days ago.
    let source = TestDatabase::sqlite();
    let _platform = populate(source.url()).await;
    let store = TestStore::s3();
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(
            snapshot(source.url(), store.get(), &SnapshotSettings::default())
                .await
                .expect("snapshot")
                .id,
        );
    }
    let interrupted = format!("{}-0bad", (Utc::now() - Duration::days(2)).format("%Y%m%dT%H%M%SZ"));
    store
        .get()
        .put(&part_key(&interrupted, "tasks.copy.gz"), Bytes::from_static(b"partial"))
        .await
        .expect("put");

    // Act
    let listed = list(store.get()).await.expect("list");

    // Assert
    let newest_first: Vec<String> = ids.iter().rev().cloned().collect();
    assert_eq!(listed.iter().map(|s| s.id.clone()).collect::<Vec<_>>(), newest_first);
    assert!(listed.windows(2).all(|w| w[0].created_at >= w[1].created_at));
    assert!(listed.iter().all(|s| s.rows > 0 && s.bytes > 0 && s.tables > 5));

    // Act: a week later, with no daily or weekly backups kept, only the newest stays.
    let report = prune(store.get(), 0, 0, Utc::now() + Duration::days(7))
        .await
        .expect("prune");

    // Assert
    assert_eq!(report.kept, [ids[2].clone()]);
    assert_eq!(report.deleted, [ids[1].clone(), ids[0].clone()]);
    assert_eq!(report.abandoned, std::slice::from_ref(&interrupted));
    let left: BTreeSet<String> = store
        .get()
        .list("backups/")
        .await
        .expect("list objects")
        .into_iter()
        .map(|o| o.key.split('/').nth(1).unwrap_or_default().to_owned())
        .collect();
    assert_eq!(left, BTreeSet::from([ids[2].clone()]));
    assert_eq!(list(store.get()).await.expect("list").len(), 1);

    // Act: now, everything is within the last 24 hours.
    let report = prune(store.get(), 7, 4, Utc::now()).await.expect("prune");
    assert_eq!(report.kept, [ids[2].clone()]);
    assert!(report.deleted.is_empty() && report.abandoned.is_empty());
}

#[tokio::test]
async fn the_periodic_unit_backs_up_and_applies_the_retention() {
    use todo_kit::function::Work;

    let source = TestDatabase::sqlite();
    let _platform = populate(source.url()).await;
    let store = TestStore::folder();
    let work = backup::BackupWork::new(source.url(), store.store(), SnapshotSettings::default(), 7, 4);

    let report = work.run_once().await.expect("run");

    let listed = list(store.get()).await.expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(report.0["backup_id"], listed[0].id.as_str());
    assert_eq!(report.0["deleted"], 0);
    assert!(
        !format!("{work:?}").contains(source.url()),
        "the database URL is a secret"
    );
}
