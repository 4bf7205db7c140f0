//! One suite for every object store: each case runs on a folder (a fresh temporary one) and on a
//! real S3 server over HTTP (`scripts/s3.sh`: s3s-fs on 127.0.0.1:19000, or `TEST_S3_ENDPOINT`),
//! in the bucket `todo-test` under a fresh prefix whose objects are deleted after. Without the
//! server the S3 cases fail, never skip.

mod cases;

use todo_objects::{Credentials, FileStore, ObjectStore, S3Location, S3Store};
use todo_testing::TestObjectStore;

// The cases each_backend! runs, by name.
use cases::*;

pub(crate) const BUCKET: &str = todo_testing::S3_TEST_BUCKET;

pub(crate) fn s3_location(bucket: &str, prefix: &str) -> S3Location {
    todo_testing::s3_test_location(bucket, prefix)
}

pub(crate) fn s3_credentials() -> Credentials {
    todo_testing::s3_test_credentials()
}

pub(crate) fn folder() -> TestObjectStore {
    TestObjectStore::folder()
}

pub(crate) fn s3() -> TestObjectStore {
    TestObjectStore::s3()
}

todo_testing::each_backend! {
    backends {
        on_folder => |case| case(folder().get()).await,
        on_s3 => |case| case(s3().get()).await,
    }
    cases {
        an_object_reads_back_with_its_size_and_checksum,
        a_missing_object_is_none_and_deleting_it_is_fine,
        a_put_replaces_the_object_whole,
        listing_finds_exactly_the_keys_under_a_prefix_in_order,
        a_large_object_goes_up_in_parts_and_reads_back_exactly,
        concurrent_puts_of_one_key_never_read_back_as_a_mix,
        keys_that_could_escape_are_refused,
    }
}

#[tokio::test]
async fn a_missing_bucket_is_named() {
    let store = S3Store::new(s3_location("no-such-bucket-here", ""), s3_credentials());
    let error = store.list("").await.expect_err("no bucket");
    assert!(
        matches!(error, todo_objects::ObjectStoreError::MissingBucket { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("no-such-bucket-here"), "{error}");
}

#[tokio::test]
async fn wrong_credentials_are_refused_in_words() {
    let store = S3Store::new(
        s3_location(BUCKET, "refused/"),
        Credentials::new("todo-test", "not-the-secret"),
    );
    let error = store
        .put("a", bytes::Bytes::from_static(b"x"))
        .await
        .expect_err("wrong secret");
    assert!(
        matches!(error, todo_objects::ObjectStoreError::Credentials { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("AWS_SECRET_ACCESS_KEY"), "{error}");
    // Nothing was written.
    let right = S3Store::new(s3_location(BUCKET, "refused/"), s3_credentials());
    assert_eq!(right.head("a").await.expect("head"), None);
}

#[tokio::test]
async fn an_unreachable_server_is_an_error_not_a_hang() {
    let mut location = s3_location(BUCKET, "");
    location.endpoint = Some("http://127.0.0.1:9".to_owned());
    let store = S3Store::new(location, s3_credentials());
    let error = store.list("").await.expect_err("nothing listens on port 9");
    assert!(
        matches!(error, todo_objects::ObjectStoreError::Remote { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn concurrent_puts_to_a_folder_leave_one_whole_object() {
    let backend = folder();
    let versions: Vec<bytes::Bytes> = (0..16u8).map(|v| bytes::Bytes::from(vec![v; 256 * 1024])).collect();
    let puts = versions
        .iter()
        .map(|bytes| backend.get().put("contended", bytes.clone()));
    for result in futures_util::future::join_all(puts).await {
        result.expect("put");
    }
    let read = backend.get().get("contended").await.expect("get").expect("exists");
    assert!(versions.contains(&read), "a mix of versions was read");
}

#[tokio::test]
async fn a_corrupted_file_is_detected_on_read() {
    let path = std::env::temp_dir().join(format!("todo-objects-{}", uuid::Uuid::new_v4().simple()));
    let store = FileStore::open(&path).expect("open");
    store
        .put("backup/part-1", bytes::Bytes::from_static(b"rows"))
        .await
        .expect("put");
    std::fs::write(path.join("backup/part-1"), b"rowz").expect("tamper");
    let error = store.get("backup/part-1").await.expect_err("corrupt");
    assert!(
        matches!(error, todo_objects::ObjectStoreError::Corrupt { .. }),
        "{error:?}"
    );
    let _ = std::fs::remove_dir_all(path);
}
