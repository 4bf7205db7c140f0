//! A PostgreSQL snapshot: every table of the current schema copied out in text format inside one
//! `REPEATABLE READ READ ONLY` transaction (one view of the database, and no locks that writers
//! wait for), each gzipped and put in the store as it finishes.

use std::time::Instant;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use sqlx::{Connection, PgConnection};
use todo_objects::ObjectStore;

use super::catalog;
use crate::database::quote_ident;
use crate::gzip::Gzip;
use crate::manifest::{backup_id, part_key, table_part};
use crate::progress::{Progress, ProgressFn};
use crate::snapshot::Copied;
use crate::{Error, Part, Result, TableInfo};

/// Rows between two progress reports of one table.
const REPORT_EVERY: u64 = 10_000;

pub(crate) async fn snapshot(database_url: &str, store: &dyn ObjectStore, progress: ProgressFn<'_>) -> Result<Copied> {
    let mut conn = PgConnection::connect(database_url).await?;
    let mut tx = conn
        .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .await?;
    let created_at: DateTime<Utc> = sqlx::query_scalar("SELECT now()").fetch_one(&mut *tx).await?;
    let id = backup_id(created_at);
    let tables = catalog::tables(&mut tx).await?;
    let schema_versions = catalog::schema_versions(&mut tx, &tables).await?;
    let (newest_event, newest_published_outbox_id) = catalog::outbox_position(&mut tx, &tables).await?;
    progress(&Progress::Started {
        tables: tables.len(),
        rows: None,
    });
    let mut infos = Vec::with_capacity(tables.len());
    let mut parts = Vec::with_capacity(tables.len());
    for (table, columns) in tables {
        let started = Instant::now();
        let (rows, compressed) = copy_out(&mut tx, &table, &columns, progress).await?;
        let key = part_key(&id, &table_part(&table));
        let written = store.put(&key, Bytes::from(compressed)).await?;
        tracing::debug!(%table, rows, bytes = written.size, "table copied");
        progress(&Progress::TableDone {
            table: table.clone(),
            rows,
            bytes: written.size,
            elapsed: started.elapsed(),
        });
        parts.push(Part {
            key,
            bytes: written.size,
            sha256: written.sha256,
        });
        infos.push(TableInfo {
            name: table,
            columns,
            rows,
        });
    }
    // Read only: nothing to commit, but ending it cleanly returns the connection at once.
    tx.commit().await?;
    conn.close().await?;
    Ok(Copied {
        id,
        created_at,
        schema_versions,
        tables: infos,
        parts,
        newest_event,
        newest_published_outbox_id,
    })
}

/// `COPY (SELECT columns FROM table) TO STDOUT`, gzipped; and its row count (text format ends
/// every row with a newline and escapes the ones inside values).
async fn copy_out(
    conn: &mut PgConnection,
    table: &str,
    columns: &[String],
    progress: ProgressFn<'_>,
) -> Result<(u64, Vec<u8>)> {
    if columns.is_empty() {
        return Err(Error::SchemaMismatch(format!("table {table} has no column to copy")));
    }
    let list: Vec<String> = columns.iter().map(|c| quote_ident(c)).collect();
    let sql = format!(
        "COPY (SELECT {} FROM {}) TO STDOUT",
        list.join(", "),
        quote_ident(table)
    );
    let mut stream = conn.copy_out_raw(&sql).await?;
    let mut gzip = Gzip::new();
    let mut rows = 0u64;
    let mut reported = 0u64;
    while let Some(chunk) = stream.try_next().await? {
        rows += chunk.iter().filter(|b| **b == b'\n').count() as u64;
        gzip.write(&chunk).map_err(Error::io(table))?;
        if rows - reported >= REPORT_EVERY {
            reported = rows;
            progress(&Progress::Rows {
                table: table.to_owned(),
                rows,
            });
        }
    }
    drop(stream);
    Ok((rows, gzip.finish().map_err(Error::io(table))?))
}
