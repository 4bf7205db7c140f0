//! The two stores of the read model, chosen by URL: PostgreSQL in the cluster, SQLite in the
//! embedded mode. Both create their `analytics_*` tables at connect (`CREATE ... IF NOT EXISTS`,
//! no migration table, because the database may be shared with the task store), apply the same
//! [`Change`](crate::change::Change)s and answer the same queries.

pub(crate) mod postgres;
pub(crate) mod sqlite;

use std::sync::Arc;

pub use postgres::PostgresReadModel;
pub use sqlite::SqliteReadModel;

use crate::model::ReadModel;
use crate::{Error, Result};

/// Opens the read model a URL names: `postgres://...` (or `postgresql://`) or `sqlite://...`.
///
/// # Errors
/// `Config` for another scheme; `Database` when the database cannot be opened or prepared.
pub async fn connect(url: &str) -> Result<Arc<dyn ReadModel>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Arc::new(PostgresReadModel::connect(url).await?));
    }
    if url.starts_with("sqlite:") {
        return Ok(Arc::new(SqliteReadModel::connect(url).await?));
    }
    // Only the scheme goes into the message: the rest may hold a password.
    let scheme = url.split_once(':').map_or("(none)", |(scheme, _)| scheme);
    Err(Error::Config(format!(
        "DATABASE_URL must be postgres://... or sqlite://..., not a '{scheme}' URL"
    )))
}
