//! The S3 server the tests use (`scripts/s3.sh`: s3s-fs on 127.0.0.1:19000, or `TEST_S3_ENDPOINT`
//! with `TEST_S3_ACCESS_KEY` and `TEST_S3_SECRET_KEY`), in bucket `todo-test`.

use std::sync::Arc;

use todo_objects::{Credentials, ObjectStore, S3Location, S3Store};

/// The bucket `scripts/s3.sh` creates.
pub const S3_TEST_BUCKET: &str = "todo-test";

fn endpoint() -> String {
    std::env::var("TEST_S3_ENDPOINT").unwrap_or_else(|_| "http://127.0.0.1:19000".to_owned())
}

fn credentials() -> (String, String) {
    (
        std::env::var("TEST_S3_ACCESS_KEY").unwrap_or_else(|_| "todo-test".to_owned()),
        std::env::var("TEST_S3_SECRET_KEY").unwrap_or_else(|_| "todo-test-secret".to_owned()),
    )
}

/// A store on the test server under `prefix` (a fresh one per test keeps tests apart).
pub fn s3_test_store(prefix: &str) -> Arc<dyn ObjectStore> {
    let (key, secret) = credentials();
    let prefix = match prefix {
        "" => String::new(),
        p if p.ends_with('/') => p.to_owned(),
        p => format!("{p}/"),
    };
    Arc::new(S3Store::new(
        S3Location {
            bucket: S3_TEST_BUCKET.to_owned(),
            prefix,
            endpoint: Some(endpoint()),
            region: "us-east-1".to_owned(),
            path_style: true,
        },
        Credentials::new(key, secret),
    ))
}

/// The URL of that store, for a process started with the test server's credentials in
/// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` ([`s3_test_env`]).
pub fn s3_test_url(prefix: &str) -> String {
    format!(
        "s3://{S3_TEST_BUCKET}/{prefix}?endpoint={}&region=us-east-1&path_style=true",
        endpoint()
    )
}

/// The environment a child process needs to reach the test server with [`s3_test_url`].
pub fn s3_test_env() -> [(&'static str, String); 2] {
    let (key, secret) = credentials();
    [("AWS_ACCESS_KEY_ID", key), ("AWS_SECRET_ACCESS_KEY", secret)]
}
