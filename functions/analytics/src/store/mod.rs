//! The read model's store, written once for both engines: PostgreSQL in the cluster, SQLite in
//! the embedded mode, chosen by URL ([`connect`]). They apply the same
//! [`Change`](crate::change::Change)s and answer the same queries; a [`Dialect`](dialect::Dialect)
//! holds only what differs between them (SQL text, stored time and day types, migrations).
//!
//! - `sql`: every read and write, once; `statements`, `rows`: their SQL text and rows.
//! - `model`: [`SqlReadModel`], the [`ReadModel`] over either engine.
//! - `postgres`, `sqlite`: the two dialects and how each opens its database.
//!
//! The tables are migrations of their own (`migrations/<engine>/2000_*.sql`, versions 2000-2999
//! in the database's shared `_sqlx_migrations`, see `todo_db::migrate`), applied at connect.

mod dialect;
mod model;
mod postgres;
mod rows;
mod sql;
mod sqlite;
mod statements;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use todo_db::Engine;

pub use model::SqlReadModel;
pub use postgres::PostgresReadModel;
pub(crate) use sql::Sql;
pub use sqlite::SqliteReadModel;

use crate::model::ReadModel;
use crate::{Error, Result};

/// Opens the read model a URL names: `postgres://...` (or `postgresql://`) or `sqlite://...`.
///
/// # Errors
/// `Config` for another scheme; `Database` when the database cannot be opened or migrated.
pub async fn connect(url: &str) -> Result<Arc<dyn ReadModel>> {
    match Engine::of_url(url).map_err(|e| Error::Config(format!("DATABASE_URL: {e}")))? {
        Engine::Postgres => Ok(Arc::new(PostgresReadModel::connect(url).await?)),
        Engine::Sqlite => Ok(Arc::new(SqliteReadModel::connect(url).await?)),
    }
}
