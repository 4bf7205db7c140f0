//! Object stores for tests: a fresh folder, or a fresh prefix on the S3 server the tests use
//! (`scripts/s3.sh`: s3s-fs on 127.0.0.1:19000, or `TEST_S3_ENDPOINT` with `TEST_S3_ACCESS_KEY`
//! and `TEST_S3_SECRET_KEY`, bucket `todo-test`), each emptied when the test ends.

use std::sync::Arc;

use todo_objects::{Credentials, FileStore, ObjectStore, S3Location, S3Store};

/// The bucket `scripts/s3.sh` creates.
pub const S3_TEST_BUCKET: &str = "todo-test";

/// The test server's address.
pub fn s3_test_endpoint() -> String {
    std::env::var("TEST_S3_ENDPOINT").unwrap_or_else(|_| "http://127.0.0.1:19000".to_owned())
}

/// The test server's credentials.
pub fn s3_test_credentials() -> Credentials {
    let (key, secret) = credentials();
    Credentials::new(key, secret)
}

fn credentials() -> (String, String) {
    (
        std::env::var("TEST_S3_ACCESS_KEY").unwrap_or_else(|_| "todo-test".to_owned()),
        std::env::var("TEST_S3_SECRET_KEY").unwrap_or_else(|_| "todo-test-secret".to_owned()),
    )
}

/// `bucket` on the test server, under `prefix` (empty, or ending with `/`).
pub fn s3_test_location(bucket: &str, prefix: &str) -> S3Location {
    S3Location {
        bucket: bucket.to_owned(),
        prefix: prefix.to_owned(),
        endpoint: Some(s3_test_endpoint()),
        region: "us-east-1".to_owned(),
        path_style: true,
    }
}

/// The URL of a prefix of the test bucket, for a process started with [`s3_test_env`].
pub fn s3_test_url(prefix: &str) -> String {
    format!(
        "s3://{S3_TEST_BUCKET}/{prefix}?endpoint={}&region=us-east-1&path_style=true",
        s3_test_endpoint()
    )
}

/// The environment a child process needs to reach the test server with [`s3_test_url`].
pub fn s3_test_env() -> [(&'static str, String); 2] {
    let (key, secret) = credentials();
    [("AWS_ACCESS_KEY_ID", key), ("AWS_SECRET_ACCESS_KEY", secret)]
}

/// An object store that exists for one test: its objects go when it is dropped, even when the
/// test panics.
#[derive(Debug)]
pub struct TestObjectStore {
    store: Arc<dyn ObjectStore>,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    Folder(std::path::PathBuf),
    Prefix(S3Location),
}

impl TestObjectStore {
    /// A fresh temporary folder.
    ///
    /// # Panics
    /// When the folder cannot be created.
    pub fn folder() -> Self {
        let path = std::env::temp_dir().join(format!("todo-objects-{}", uuid::Uuid::new_v4().simple()));
        Self {
            store: Arc::new(FileStore::open(&path).expect("open a folder store")),
            cleanup: Cleanup::Folder(path),
        }
    }

    /// A fresh prefix in the test server's bucket; [`Self::prefix`] names it.
    pub fn s3() -> Self {
        Self::s3_at(&format!("test-{}/", uuid::Uuid::new_v4().simple()))
    }

    /// The test bucket under `prefix` (ending with `/`), chosen by the caller: for a program that
    /// writes there by a layout of its own (a broker keeping its log under `clusters/<id>/`).
    pub fn s3_at(prefix: &str) -> Self {
        let location = s3_test_location(S3_TEST_BUCKET, prefix);
        Self {
            store: Arc::new(S3Store::new(location.clone(), s3_test_credentials())),
            cleanup: Cleanup::Prefix(location),
        }
    }

    /// The store.
    pub fn store(&self) -> Arc<dyn ObjectStore> {
        self.store.clone()
    }

    /// The store, borrowed.
    pub fn get(&self) -> &dyn ObjectStore {
        self.store.as_ref()
    }

    /// Its URL (`file://` or `s3://`), for the `todo` command and function processes.
    pub fn url(&self) -> String {
        match &self.cleanup {
            Cleanup::Folder(path) => format!("file://{}", path.display()),
            Cleanup::Prefix(location) => s3_test_url(location.prefix.trim_end_matches('/')),
        }
    }
}

impl Drop for TestObjectStore {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Folder(path) => {
                let _ = std::fs::remove_dir_all(path);
            }
            Cleanup::Prefix(location) => {
                // Drop may run while panicking, inside the test's runtime: a thread and a client
                // of our own (the test's client's connections belong to its runtime).
                let store = S3Store::new(location.clone(), s3_test_credentials());
                let _ = std::thread::spawn(move || {
                    let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                        return;
                    };
                    runtime.block_on(async {
                        if let Ok(objects) = store.list("").await {
                            for object in objects {
                                let _ = store.delete(&object.key).await;
                            }
                        }
                    });
                })
                .join();
            }
        }
    }
}
