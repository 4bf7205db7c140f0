//! Each owner of tables keeps its schema as sqlx migrations in its own `migrations/<engine>/`
//! folder, and several owners share one database (the embedded SQLite file; a cluster database
//! may hold the task store beside the notifier). sqlx records every applied migration in one
//! `_sqlx_migrations` table by version, so owners take disjoint version ranges and each owner's
//! run ignores the versions it does not know:
//!
//! | owner | versions |
//! |---|---|
//! | task store (`shared/tasks`) | 1–999 |
//! | idempotency records (`shared/kit`) | 1000–1999 |
//! | analytics read model (`functions/analytics`) | 2000–2999 |
//! | notifier (`functions/notifier`) | 3000–3999 |
//!
//! On PostgreSQL sqlx holds an advisory lock while it migrates, so replicas starting at once
//! apply each migration once.

use sqlx::migrate::{Migrate, MigrateError, Migrator};
use sqlx::{Database, Pool};

/// Applies `migrator`'s pending migrations on one connection, leaving other owners' versions alone.
///
/// # Errors
/// When a migration fails, or one already applied was changed since.
pub async fn apply<C: Migrate>(mut migrator: Migrator, connection: &mut C) -> Result<(), MigrateError> {
    migrator.set_ignore_missing(true);
    // `run_direct` is what `Migrator::run` calls once it holds a connection; taking the
    // connection here keeps callers inside `async_trait` methods free of `Acquire`'s
    // higher-ranked lifetime bound, which their futures cannot meet.
    migrator.run_direct(None, connection, false).await
}

/// [`apply`] on a connection of `pool`.
///
/// # Errors
/// As [`apply`], or when no connection can be had.
pub async fn apply_to_pool<DB>(migrator: Migrator, pool: &Pool<DB>) -> Result<(), MigrateError>
where
    DB: Database,
    DB::Connection: Migrate,
{
    let mut connection = pool.acquire().await?;
    apply(migrator, &mut *connection).await
}
