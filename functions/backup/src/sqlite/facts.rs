//! What a SQLite file holds, read from the copy itself (so the manifest describes exactly the
//! bytes backed up): its tables with their columns and rows, the migration versions, and where
//! its outbox stands.

use std::path::Path;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};

use crate::database::quote_ident;
use crate::{NewestEvent, Result, TableInfo};

/// The facts of one SQLite file.
pub(super) struct Facts {
    pub(super) tables: Vec<TableInfo>,
    pub(super) schema_versions: Vec<i64>,
    pub(super) newest_event: Option<NewestEvent>,
    pub(super) newest_published_outbox_id: Option<i64>,
}

/// Opens `file` (which must exist) on its own connection.
pub(super) async fn open(file: &Path) -> Result<SqliteConnection> {
    let options = SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(false)
        .busy_timeout(std::time::Duration::from_secs(5));
    Ok(SqliteConnection::connect_with(&options).await?)
}

/// The names of the file's tables (SQLite's own `sqlite_*` tables left out), sorted.
pub(super) async fn table_names(conn: &mut SqliteConnection) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )
    .fetch_all(conn)
    .await?)
}

/// Reads the facts of the open file.
pub(super) async fn read(conn: &mut SqliteConnection) -> Result<Facts> {
    let names = table_names(conn).await?;
    let mut tables = Vec::with_capacity(names.len());
    for name in &names {
        let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
            .bind(name)
            .fetch_all(&mut *conn)
            .await?;
        let rows: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT count(*) FROM {}",
            quote_ident(name)
        )))
        .fetch_one(&mut *conn)
        .await?;
        tables.push(TableInfo {
            name: name.clone(),
            columns,
            rows: u64::try_from(rows).unwrap_or_default(),
        });
    }
    let schema_versions = if names.iter().any(|n| n == "_sqlx_migrations") {
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(&mut *conn)
            .await?
    } else {
        Vec::new()
    };
    let (newest_event, newest_published_outbox_id) = if names.iter().any(|n| n == "outbox") {
        let newest: Option<(String, i64)> =
            sqlx::query_as("SELECT event_id, created_at FROM outbox ORDER BY id DESC LIMIT 1")
                .fetch_optional(&mut *conn)
                .await?;
        let published: Option<i64> = sqlx::query_scalar("SELECT max(id) FROM outbox WHERE published_at IS NOT NULL")
            .fetch_one(&mut *conn)
            .await?;
        (
            newest.and_then(|(event_id, micros)| {
                todo_db::time::from_micros(micros)
                    .ok()
                    .map(|created_at| NewestEvent { event_id, created_at })
            }),
            published,
        )
    } else {
        (None, None)
    };
    Ok(Facts {
        tables,
        schema_versions,
        newest_event,
        newest_published_outbox_id,
    })
}
