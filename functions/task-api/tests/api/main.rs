//! End-to-end tests of task-api over HTTP: each test starts the whole function (router, middleware,
//! authentication, store) on a random port over its own database, and talks to it with a real
//! client. The important suites run twice, `on_sqlite::*` and `on_postgres::*`.
//!
//! Run with `cargo test -p task-api --test api`. PostgreSQL must answer on 127.0.0.1:5432
//! (or `TEST_POSTGRES_URL`); the tests fail rather than skip without it. `TEST_LOG=1` shows logs.
//!
//! Modules: `crud`, `delete`, `completion`, `history` (history and outbox rows), `validation`,
//! `malformed` (unreadable bodies), `paths`, `listing`, `paging`, `concurrency` (ETag/If-Match),
//! `isolation` (cross-user, every route), `compat` (`/api/{user_id}/tasks`), `auth` (HS256),
//! `jwks` (RS256, ES256, EdDSA; keys in `keys`), `probes`, `openapi`, `metrics` (`/metrics`), `in_process` (`oneshot`).

/// Declares each case once per backend (`on_sqlite::case`, `on_postgres::case`) with the
/// shared [`todo_testing::each_backend!`]; a case takes the [`helpers::Backend`] to start.
macro_rules! on_both_backends {
    ($($cases:tt)*) => {
        todo_testing::each_backend! {
            returns anyhow::Result<()>;
            backends {
                on_sqlite => |case| case(crate::helpers::Backend::Sqlite).await,
                on_postgres => |case| case(crate::helpers::Backend::Postgres).await,
            }
            cases { $($cases)* }
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
