//! Test support: each test gets its own PostgreSQL database or SQLite file and loses it at the
//! end, even when it panics, so tests run in parallel without seeing each other's rows.
//!
//! PostgreSQL is found at `TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`).
//! When it does not answer, tests fail with a message saying how to start it: they never skip.

mod cookies;
mod each_backend;
mod objects;
mod scrape;

use std::path::PathBuf;

pub use cookies::set_cookies;
pub use objects::{
    S3_TEST_BUCKET, TestObjectStore, s3_test_credentials, s3_test_endpoint, s3_test_env, s3_test_location, s3_test_url,
};
pub use scrape::sample;

use sqlx::{Connection, PgConnection};

/// Where the server for throwaway databases is.
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A database that exists for one test.
#[derive(Debug)]
pub struct TestDatabase {
    url: String,
    name: Option<String>,
    file: Option<PathBuf>,
}

impl TestDatabase {
    /// Creates a fresh, empty PostgreSQL database.
    ///
    /// # Panics
    /// When PostgreSQL does not answer: the tests need it (see `../shared/services.md`).
    pub async fn postgres() -> Self {
        let admin = postgres_admin_url();
        let mut conn = PgConnection::connect(&admin).await.unwrap_or_else(|e| {
            panic!("PostgreSQL is needed for this test and does not answer at {admin}: {e}. Start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`")
        });
        let name = format!("t_{}", uuid::Uuid::new_v4().simple());
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(base, _)| base);
        Self {
            url: format!("{base}/{name}"),
            name: Some(name),
            file: None,
        }
    }

    /// A fresh SQLite file in the system temp directory.
    pub fn sqlite() -> Self {
        let file = std::env::temp_dir().join(format!("todo-test-{}.db", uuid::Uuid::new_v4().simple()));
        Self {
            url: format!("sqlite://{}", file.display()),
            name: None,
            file: Some(file),
        }
    }

    /// The connection URL.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some(file) = self.file.take() {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
        }
        if let Some(name) = self.name.take() {
            // Drop runs outside any runtime guarantee (maybe while panicking), so use a thread of our own.
            let admin = postgres_admin_url();
            let _ = std::thread::spawn(move || {
                let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                    return;
                };
                runtime.block_on(async {
                    if let Ok(mut conn) = PgConnection::connect(&admin).await {
                        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        )))
                        .execute(&mut conn)
                        .await;
                    }
                });
            })
            .join();
        }
    }
}

/// The Kafka-protocol broker the tests use: `KAFKA_BROKERS`, by default the Tansu that
/// `scripts/tansu.sh` starts on 127.0.0.1:19092.
///
/// # Panics
/// When none of them answers, so the Kafka cases fail rather than skip.
pub fn kafka_brokers() -> String {
    let brokers = std::env::var("KAFKA_BROKERS").unwrap_or_else(|_| "127.0.0.1:19092".into());
    let reachable = brokers
        .split(',')
        .any(|b| std::net::TcpStream::connect(b.trim()).is_ok());
    assert!(
        reachable,
        "no Kafka-protocol broker answers at {brokers}: start one with `bash scripts/tansu.sh`"
    );
    brokers
}
