//! A SQLite snapshot: `VACUUM INTO` a temporary file beside the database, read the manifest's
//! facts from that copy, gzip it and put it in the store as the backup's one part.

use std::time::Instant;

use bytes::Bytes;
use chrono::Utc;
use sqlx::Connection;
use todo_objects::ObjectStore;

use super::{TempFile, facts};
use crate::database::sqlite_file;
use crate::manifest::{SQLITE_PART, backup_id, part_key};
use crate::progress::{Progress, ProgressFn};
use crate::snapshot::Copied;
use crate::{Error, Part, Result};

/// What progress reports call the one part of a SQLite backup.
pub(super) const WHOLE_FILE: &str = "(database file)";

pub(crate) async fn snapshot(database_url: &str, store: &dyn ObjectStore, progress: ProgressFn<'_>) -> Result<Copied> {
    let file = sqlite_file(database_url)?;
    if !file.is_file() {
        return Err(Error::Config(format!(
            "there is no SQLite database at {}",
            file.display()
        )));
    }
    let started = Instant::now();
    // The copy is at least as new as this: its read transaction begins just after.
    let created_at = Utc::now();
    let id = backup_id(created_at);
    let copy = TempFile::beside(&file, "backup", &id);
    let mut source = facts::open(&file).await?;
    sqlx::query("VACUUM INTO ?1")
        .bind(copy.path().to_string_lossy().into_owned())
        .execute(&mut source)
        .await?;
    source.close().await?;

    let mut conn = facts::open(copy.path()).await?;
    let facts = facts::read(&mut conn).await?;
    conn.close().await?;
    let rows = facts.tables.iter().map(|t| t.rows).sum();
    progress(&Progress::Started {
        tables: facts.tables.len(),
        rows: Some(rows),
    });

    let path = copy.path().to_path_buf();
    let compressed = tokio::task::spawn_blocking(move || -> Result<Vec<u8>> {
        let raw = std::fs::read(&path).map_err(Error::io(&path))?;
        crate::gzip::compress(&raw).map_err(Error::io(&path))
    })
    .await??;
    drop(copy);
    let key = part_key(&id, SQLITE_PART);
    let written = store.put(&key, Bytes::from(compressed)).await?;
    progress(&Progress::TableDone {
        table: WHOLE_FILE.to_owned(),
        rows,
        bytes: written.size,
        elapsed: started.elapsed(),
    });
    Ok(Copied {
        id,
        created_at,
        schema_versions: facts.schema_versions,
        tables: facts.tables,
        parts: vec![Part {
            key,
            bytes: written.size,
            sha256: written.sha256,
        }],
        newest_event: facts.newest_event,
        newest_published_outbox_id: facts.newest_published_outbox_id,
    })
}
