//! The contract every object store keeps.

use bytes::Bytes;
use todo_objects::{MULTIPART_THRESHOLD, ObjectStore, ObjectStoreError, PART_SIZE};

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    format!("{:x}", sha2::Sha256::digest(bytes))
}

pub(crate) async fn an_object_reads_back_with_its_size_and_checksum(store: &dyn ObjectStore) {
    let bytes = Bytes::from_static(b"{\"id\":1}\n{\"id\":2}\n");
    let written = store
        .put("archive/task-events/part-0", bytes.clone())
        .await
        .expect("put");
    assert_eq!(written.size, bytes.len() as u64);
    assert_eq!(written.sha256, sha256(&bytes));
    assert_eq!(store.get("archive/task-events/part-0").await.expect("get"), Some(bytes));
    let head = store
        .head("archive/task-events/part-0")
        .await
        .expect("head")
        .expect("exists");
    assert_eq!(head, written);
}

pub(crate) async fn a_missing_object_is_none_and_deleting_it_is_fine(store: &dyn ObjectStore) {
    assert_eq!(store.get("nothing/here").await.expect("get"), None);
    assert_eq!(store.head("nothing/here").await.expect("head"), None);
    store.delete("nothing/here").await.expect("deleting a missing object");
    store.put("nothing/here", Bytes::from_static(b"x")).await.expect("put");
    store.delete("nothing/here").await.expect("delete");
    assert_eq!(store.get("nothing/here").await.expect("get"), None);
    assert!(store.list("nothing/").await.expect("list").is_empty());
}

pub(crate) async fn a_put_replaces_the_object_whole(store: &dyn ObjectStore) {
    store.put("k", Bytes::from_static(b"first version")).await.expect("put");
    store.put("k", Bytes::from_static(b"second")).await.expect("put again");
    assert_eq!(store.get("k").await.expect("get"), Some(Bytes::from_static(b"second")));
    assert_eq!(store.head("k").await.expect("head").expect("exists").size, 6);
}

pub(crate) async fn listing_finds_exactly_the_keys_under_a_prefix_in_order(store: &dyn ObjectStore) {
    for key in [
        "backups/2026-12-02/manifest.json",
        "backups/2026-12-03/tasks.jsonl.gz",
        "backups/2026-12-03/manifest.json",
        "backups-old/x",
        "archive/a",
    ] {
        store.put(key, Bytes::from(key.as_bytes().to_vec())).await.expect("put");
    }
    let keys: Vec<String> = store
        .list("backups/")
        .await
        .expect("list")
        .into_iter()
        .map(|o| o.key)
        .collect();
    assert_eq!(
        keys,
        [
            "backups/2026-12-02/manifest.json",
            "backups/2026-12-03/manifest.json",
            "backups/2026-12-03/tasks.jsonl.gz"
        ]
    );
    let day = store.list("backups/2026-12-03/m").await.expect("list");
    assert_eq!(day.len(), 1);
    assert_eq!(day[0].size, "backups/2026-12-03/manifest.json".len() as u64);
    assert_eq!(store.list("").await.expect("list all").len(), 5);
}

pub(crate) async fn a_large_object_goes_up_in_parts_and_reads_back_exactly(store: &dyn ObjectStore) {
    // Over the threshold, with a last part shorter than the others.
    let size = MULTIPART_THRESHOLD + PART_SIZE / 2 + 123;
    let bytes: Bytes = (0..size)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect::<Vec<u8>>()
        .into();
    let written = store.put("backups/big.bin", bytes.clone()).await.expect("put in parts");
    assert_eq!(written.size, size as u64);
    let read = store.get("backups/big.bin").await.expect("get").expect("exists");
    assert_eq!(read.len(), size);
    assert!(read == bytes, "the bytes differ");
    assert_eq!(
        store
            .head("backups/big.bin")
            .await
            .expect("head")
            .expect("exists")
            .sha256,
        sha256(&bytes)
    );
}

/// Concurrent puts of one key: a read gives one of the versions whole, or, where the server does
/// not keep an object's metadata atomic with its bytes (s3s-fs; S3 and Spaces do), a `Corrupt`
/// error. Never a mix returned as if it were right.
pub(crate) async fn concurrent_puts_of_one_key_never_read_back_as_a_mix(store: &dyn ObjectStore) {
    let versions: Vec<Bytes> = (0..8u8).map(|v| Bytes::from(vec![v; 64 * 1024])).collect();
    let puts = versions.iter().map(|bytes| store.put("contended", bytes.clone()));
    for result in futures_util::future::join_all(puts).await {
        result.expect("put");
    }
    match store.get("contended").await {
        Ok(Some(read)) => assert!(versions.contains(&read), "a mix of versions was read"),
        Err(ObjectStoreError::Corrupt { .. }) if store.describe().starts_with("s3://") => {}
        other => panic!("{other:?}"),
    }
}

pub(crate) async fn keys_that_could_escape_are_refused(store: &dyn ObjectStore) {
    for key in ["../outside", "/absolute", "a//b", ""] {
        let error = store.put(key, Bytes::from_static(b"x")).await.expect_err(key);
        assert!(matches!(error, ObjectStoreError::InvalidKey(_)), "{key}: {error:?}");
    }
}
