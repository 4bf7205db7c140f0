//! End-to-end tests of task-api over HTTP: each test starts the whole function (router, middleware,
//! authentication, store) on a random port over its own database, and talks to it with a real
//! client. The important suites run twice, `on_sqlite::*` and `on_postgres::*`.
//!
//! Run with `cargo test -p todo-tests --test api`. PostgreSQL must answer on 127.0.0.1:5432
//! (or `TEST_POSTGRES_URL`); the tests fail rather than skip without it. `TEST_LOG=1` shows logs.
//!
//! Modules: `crud`, `delete`, `completion`, `history` (history and outbox rows), `validation`,
//! `malformed` (unreadable bodies), `paths`, `listing`, `paging`, `concurrency` (ETag/If-Match),
//! `isolation` (cross-user, every route), `compat` (`/api/{user_id}/tasks`), `auth` (HS256),
//! `jwks` (RS256, ES256, EdDSA; keys in `keys`), `probes`, `openapi`, `metrics` (`/metrics`), `in_process` (`oneshot`).

/// Declares each case of the enclosing module once per backend: `on_sqlite::case` and
/// `on_postgres::case`. A case is `async fn case(backend: Backend) -> anyhow::Result<()>`;
/// attributes written before a case (such as `#[ignore = "..."]`) apply to both tests.
macro_rules! on_both_backends {
    ($($(#[$attr:meta])* $case:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                $(#[$attr])*
                #[tokio::test]
                async fn $case() -> anyhow::Result<()> {
                    super::$case(crate::helpers::Backend::Sqlite).await
                }
            )*
        }
        mod on_postgres {
            $(
                $(#[$attr])*
                #[tokio::test]
                async fn $case() -> anyhow::Result<()> {
                    super::$case(crate::helpers::Backend::Postgres).await
                }
            )*
        }
    };
}

mod auth;
mod compat;
mod completion;
mod concurrency;
mod crud;
mod delete;
mod helpers;
mod history;
mod in_process;
mod isolation;
mod jwks;
mod keys;
mod limits;
mod list_versions;
mod listing;
mod malformed;
mod metrics;
mod openapi;
mod paging;
mod paths;
mod probes;
mod tokens;
mod validation;
