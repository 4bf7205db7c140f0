//! A PostgreSQL restore: the schema comes from the platform's own code, never from the backup
//! (so a restored database is exactly what this version would have created, with its indexes,
//! checks and functions); the backup supplies only rows. Every table is loaded with
//! `COPY ... FROM STDIN` in one transaction, parents before children, and the identity sequences
//! are moved past the restored ids before it commits: a failure anywhere leaves no row behind.

use std::collections::BTreeSet;
use std::io::Read;
use std::time::Instant;

use sqlx::{Connection, PgConnection};
use todo_objects::ObjectStore;

use super::catalog::{self, MIGRATIONS};
use crate::database::quote_ident;
use crate::manifest::{Manifest, table_part};
use crate::progress::{Progress, ProgressFn};
use crate::restore::fetch_part;
use crate::{Error, Result, TableInfo};

/// Bytes sent to the server per `CopyData` message.
const CHUNK: usize = 256 * 1024;

pub(crate) async fn restore(
    manifest: &Manifest,
    store: &dyn ObjectStore,
    database_url: &str,
    progress: ProgressFn<'_>,
) -> Result<u64> {
    let mut conn = PgConnection::connect(database_url).await?;
    refuse_unless_empty(&mut conn).await?;
    create_schema(database_url, &mut conn).await?;
    check_schema(&mut conn, manifest).await?;

    let names: BTreeSet<String> = manifest
        .tables
        .iter()
        .filter(|t| t.name != MIGRATIONS)
        .map(|t| t.name.clone())
        .collect();
    let order = catalog::foreign_key_order(&mut conn, &names).await?;
    progress(&Progress::Started {
        tables: order.len(),
        rows: Some(
            manifest
                .tables
                .iter()
                .filter(|t| t.name != MIGRATIONS)
                .map(|t| t.rows)
                .sum(),
        ),
    });

    let mut tx = conn.begin().await?;
    // Nobody writes between the check above and the commit, and the check is repeated under
    // the locks in case something did before.
    let locked: Vec<String> = order.iter().map(|t| quote_ident(t)).collect();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "LOCK TABLE {} IN ACCESS EXCLUSIVE MODE",
        locked.join(", ")
    )))
    .execute(&mut *tx)
    .await?;
    let full = catalog::tables_with_rows(&mut tx, order.iter()).await?;
    if !full.is_empty() {
        return Err(Error::NotEmpty(format!("{} got rows meanwhile", full.join(", "))));
    }
    let mut restored = 0;
    for name in &order {
        let table = manifest
            .tables
            .iter()
            .find(|t| &t.name == name)
            .ok_or_else(|| Error::SchemaMismatch(format!("no table {name} in the backup")))?;
        let started = Instant::now();
        let part = manifest.part(&table_part(name))?;
        let bytes = fetch_part(store, manifest, part).await?;
        let rows = copy_in(&mut tx, &manifest.id, table, &bytes, progress).await?;
        if rows != table.rows {
            return Err(Error::Corrupt {
                id: manifest.id.clone(),
                reason: format!("table {name} has {rows} rows, the manifest lists {}", table.rows),
            });
        }
        restored += rows;
        progress(&Progress::TableDone {
            table: name.clone(),
            rows,
            bytes: part.bytes,
            elapsed: started.elapsed(),
        });
    }
    let sequences = catalog::reset_sequences(&mut tx).await?;
    tx.commit().await?;
    conn.close().await?;
    tracing::debug!(sequences, "identity sequences moved past the restored ids");
    Ok(restored)
}

/// Refuses a database where any table but `_sqlx_migrations` holds a row.
async fn refuse_unless_empty(conn: &mut PgConnection) -> Result<()> {
    let tables = catalog::tables(conn).await?;
    let full = catalog::tables_with_rows(conn, tables.keys()).await?;
    if full.is_empty() {
        Ok(())
    } else {
        Err(Error::NotEmpty(format!("{} hold rows", full.join(", "))))
    }
}

/// Creates every table of the platform with the code that creates it in production: the task
/// store's migrations, the analytics read model, the notifier's tables and the kit's
/// idempotency keys. Each only creates what is missing.
async fn create_schema(database_url: &str, conn: &mut PgConnection) -> Result<()> {
    let schema = |what: &str, error: &dyn std::fmt::Display| Error::Schema(format!("{what}: {error}"));
    drop(
        todo_tasks::store::connect(database_url)
            .await
            .map_err(|e| schema("task store", &e))?,
    );
    drop(
        analytics::connect(database_url)
            .await
            .map_err(|e| schema("analytics", &e))?,
    );
    drop(
        notifier::store::connect(database_url)
            .await
            .map_err(|e| schema("notifier", &e))?,
    );
    todo_kit::idempotency::ensure_table_postgres(conn).await?;
    Ok(())
}

/// Checks that every table of the backup is one the platform created, with its columns, and that
/// every migration the backup was taken at is one this platform has applied. A table the platform has and the backup lacks (a function that had not
/// started yet when the backup was taken, say) stays empty, as it was then.
async fn check_schema(conn: &mut PgConnection, manifest: &Manifest) -> Result<()> {
    let tables = catalog::tables(conn).await?;
    let here: BTreeSet<&String> = tables.keys().collect();
    let there: BTreeSet<&String> = manifest.tables.iter().map(|t| &t.name).collect();
    let missing: Vec<&str> = there.difference(&here).map(|s| s.as_str()).collect();
    if !missing.is_empty() {
        return Err(Error::SchemaMismatch(format!(
            "tables only in the backup: [{}]",
            missing.join(", ")
        )));
    }
    for table in &manifest.tables {
        let ours: BTreeSet<&String> = tables.get(&table.name).into_iter().flatten().collect();
        let theirs: BTreeSet<&String> = table.columns.iter().collect();
        if ours != theirs {
            return Err(Error::SchemaMismatch(format!(
                "table {} has columns ({}) in the backup and ({}) here",
                table.name,
                table.columns.join(", "),
                ours.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            )));
        }
    }
    // A backup from an older version of the platform fits once its tables do (checked above):
    // the owners applied their newer migrations to the target before the copy. A migration this
    // platform does not know means the backup is from a newer one, whose data may not fit.
    let versions = catalog::schema_versions(conn, &tables).await?;
    let unknown: Vec<i64> = manifest
        .schema_versions
        .iter()
        .filter(|version| !versions.contains(version))
        .copied()
        .collect();
    if !unknown.is_empty() {
        return Err(Error::SchemaMismatch(format!(
            "the backup was taken at migrations {:?}, which this version of the platform ({:?}) does not know: {unknown:?}",
            manifest.schema_versions, versions
        )));
    }
    Ok(())
}

/// `COPY table (columns) FROM STDIN` with the part's decompressed rows; the rows written.
async fn copy_in(
    conn: &mut PgConnection,
    id: &str,
    table: &TableInfo,
    compressed: &[u8],
    progress: ProgressFn<'_>,
) -> Result<u64> {
    let columns: Vec<String> = table.columns.iter().map(|c| quote_ident(c)).collect();
    let sql = format!("COPY {} ({}) FROM STDIN", quote_ident(&table.name), columns.join(", "));
    let mut copy = conn.copy_in_raw(&sql).await?;
    let mut decoder = crate::gzip::decoder(compressed);
    let mut buffer = vec![0u8; CHUNK];
    let mut sent = 0u64;
    loop {
        let read = match decoder.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => read,
            Err(error) => {
                copy.abort("the backup part cannot be decompressed").await?;
                return Err(Error::Corrupt {
                    id: id.to_owned(),
                    reason: format!("part of table {} cannot be decompressed: {error}", table.name),
                });
            }
        };
        copy.send(&buffer[..read]).await?;
        sent += buffer[..read].iter().filter(|b| **b == b'\n').count() as u64;
        progress(&Progress::Rows {
            table: table.name.clone(),
            rows: sent,
        });
    }
    Ok(copy.finish().await?)
}
