//! A SQLite restore: the checked part is decompressed to a temporary file beside the target,
//! checked by SQLite itself (`PRAGMA integrity_check`) and against the manifest's row counts,
//! then renamed into place, so the target is either untouched or the whole backup.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use sqlx::Connection;
use todo_objects::ObjectStore;

use super::snapshot::WHOLE_FILE;
use super::{TempFile, facts, folder_of};
use crate::database::sqlite_file;
use crate::manifest::{Manifest, SQLITE_PART};
use crate::progress::{Progress, ProgressFn};
use crate::restore::fetch_part;
use crate::{Error, Result};

pub(crate) async fn restore(
    manifest: &Manifest,
    store: &dyn ObjectStore,
    database_url: &str,
    progress: ProgressFn<'_>,
) -> Result<u64> {
    let target = sqlite_file(database_url)?;
    refuse_unless_empty(&target).await?;
    let folder = folder_of(&target);
    std::fs::create_dir_all(&folder).map_err(Error::io(&folder))?;
    let part = manifest.part(SQLITE_PART)?;
    let rows = manifest.total_rows();
    progress(&Progress::Started {
        tables: manifest.tables.len(),
        rows: Some(rows),
    });
    let started = Instant::now();
    let bytes = fetch_part(store, manifest, part).await?;

    let restored = TempFile::beside(&target, "restore", &manifest.id);
    let path = restored.path().to_path_buf();
    let id = manifest.id.clone();
    tokio::task::spawn_blocking(move || -> Result<()> {
        let mut file = std::fs::File::create(&path).map_err(Error::io(&path))?;
        std::io::copy(&mut crate::gzip::decoder(&bytes), &mut file).map_err(|e| Error::Corrupt {
            id,
            reason: format!("its database file cannot be decompressed: {e}"),
        })?;
        file.flush().map_err(Error::io(&path))?;
        file.sync_all().map_err(Error::io(&path))
    })
    .await??;
    check_copy(manifest, restored.path()).await?;

    // Checked again just before the rename, in case something created the file meanwhile.
    refuse_unless_empty(&target).await?;
    for suffix in ["-wal", "-shm"] {
        // A journal of the old (empty) file must not be applied to the restored one.
        let stale = format!("{}{suffix}", target.display());
        match std::fs::remove_file(&stale) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(Error::io(&stale)(error)),
        }
    }
    std::fs::rename(restored.path(), &target).map_err(Error::io(&target))?;
    if let Ok(dir) = std::fs::File::open(&folder) {
        let _ = dir.sync_all();
    }
    progress(&Progress::TableDone {
        table: WHOLE_FILE.to_owned(),
        rows,
        bytes: part.bytes,
        elapsed: started.elapsed(),
    });
    Ok(rows)
}

/// Refuses a target file that exists and has tables.
async fn refuse_unless_empty(target: &Path) -> Result<()> {
    if !target.exists() {
        return Ok(());
    }
    let mut conn = facts::open(target).await?;
    let tables = facts::table_names(&mut conn).await?;
    conn.close().await?;
    if tables.is_empty() {
        Ok(())
    } else {
        Err(Error::NotEmpty(format!(
            "{} already holds {} tables ({})",
            target.display(),
            tables.len(),
            tables.join(", ")
        )))
    }
}

/// SQLite's own check of the decompressed file, and its tables and rows against the manifest.
async fn check_copy(manifest: &Manifest, file: &Path) -> Result<()> {
    let corrupt = |reason: String| Error::Corrupt {
        id: manifest.id.clone(),
        reason,
    };
    let mut conn = facts::open(file).await?;
    let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await?;
    if integrity != ["ok"] {
        return Err(corrupt(format!(
            "SQLite's integrity check of its database file says: {}",
            integrity.join("; ")
        )));
    }
    let found = facts::read(&mut conn).await?;
    conn.close().await?;
    let found: Vec<(&str, u64)> = found.tables.iter().map(|t| (t.name.as_str(), t.rows)).collect();
    let listed: Vec<(&str, u64)> = manifest.tables.iter().map(|t| (t.name.as_str(), t.rows)).collect();
    if found != listed {
        return Err(corrupt(format!(
            "its database file holds tables and rows {found:?}, the manifest lists {listed:?}"
        )));
    }
    Ok(())
}
