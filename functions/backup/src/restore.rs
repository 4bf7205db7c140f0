//! Restoring a backup. Nothing is written before the backup has been checked: the manifest's own
//! checksum, that it lists a part for every table, and each part's size and SHA-256 as the store
//! records them (`head`). Each part's bytes are checked again when they are read (the store
//! compares them with its record, then they are compared with the manifest), and a mismatch
//! there rolls the restore back. The target must be empty; the engine-specific halves are in
//! [`crate::postgres`] and [`crate::sqlite`].

use std::time::Instant;

use bytes::Bytes;
use todo_objects::ObjectStore;

use crate::manifest::{Manifest, check_id, manifest_key, table_part};
use crate::progress::ProgressFn;
use crate::{Engine, Error, Part, Result};

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreReport {
    /// The backup restored.
    pub manifest: Manifest,
    /// Rows written (the manifest's total).
    pub rows: u64,
}

/// Restores backup `id` from `store` into the empty database at `database_url`.
///
/// On PostgreSQL the platform's own code creates the tables first (task migrations, analytics,
/// notifier, `processed_events`), which must be exactly the backup's tables at exactly its
/// migration versions; then every table is loaded in one transaction. On SQLite the checked file
/// is put in place of the target file (stop `todo serve` first).
///
/// # Errors
/// `NotFound` without such a backup; `Corrupt` when the manifest or a part does not match its
/// checksum; `NotEmpty` when the target holds data; `SchemaMismatch` when the backup is of another
/// schema version or engine; database and store failures. In every case no row was written (a
/// PostgreSQL `SchemaMismatch` is found after the platform created its empty tables, which stay).
#[tracing::instrument(name = "backup.restore", skip(store, database_url, progress))]
pub async fn restore(
    store: &dyn ObjectStore,
    id: &str,
    database_url: &str,
    progress: ProgressFn<'_>,
) -> Result<RestoreReport> {
    let engine = Engine::of_url(database_url)?;
    let started = Instant::now();
    let manifest = read_manifest(store, id).await?;
    if manifest.engine != engine {
        return Err(Error::SchemaMismatch(format!(
            "backup '{id}' is of a {} database and cannot be restored into {engine}",
            manifest.engine
        )));
    }
    check_parts(store, &manifest).await?;
    let rows = match engine {
        Engine::Postgres => crate::postgres::restore(&manifest, store, database_url, progress).await?,
        Engine::Sqlite => crate::sqlite::restore(&manifest, store, database_url, progress).await?,
    };
    tracing::info!(
        backup_id = %manifest.id,
        engine = %engine,
        tables = manifest.tables.len(),
        rows,
        elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        "backup restored"
    );
    Ok(RestoreReport { manifest, rows })
}

/// The manifest of backup `id`, its checksum checked.
///
/// # Errors
/// `NotFound`, `Corrupt`, or a store failure.
pub async fn read_manifest(store: &dyn ObjectStore, id: &str) -> Result<Manifest> {
    check_id(id)?;
    let bytes = store.get(&manifest_key(id)).await.map_err(|error| match error {
        todo_objects::ObjectStoreError::Corrupt { .. } => Error::Corrupt {
            id: id.to_owned(),
            reason: error.to_string(),
        },
        other => Error::Store(other),
    })?;
    let bytes = bytes.ok_or_else(|| Error::NotFound {
        id: id.to_owned(),
        store: store.describe(),
    })?;
    Manifest::from_bytes(id, &bytes)
}

/// Checks, without downloading them, that every part is in the store with the size and SHA-256
/// the manifest lists, and that a PostgreSQL backup has a part for each table.
async fn check_parts(store: &dyn ObjectStore, manifest: &Manifest) -> Result<()> {
    if manifest.engine == Engine::Postgres {
        for table in &manifest.tables {
            manifest.part(&table_part(&table.name))?;
        }
    }
    for part in &manifest.parts {
        let found = store.head(&part.key).await?.ok_or_else(|| Error::Corrupt {
            id: manifest.id.clone(),
            reason: format!("part {} is missing from the store", part.key),
        })?;
        if found.sha256 != part.sha256 || found.size != part.bytes {
            return Err(Error::Corrupt {
                id: manifest.id.clone(),
                reason: format!(
                    "part {} is {} bytes with SHA-256 {}, the manifest lists {} bytes with SHA-256 {}",
                    part.key, found.size, found.sha256, part.bytes, part.sha256
                ),
            });
        }
    }
    Ok(())
}

/// A part's bytes, checked by the store against its record and here against the manifest.
pub(crate) async fn fetch_part(store: &dyn ObjectStore, manifest: &Manifest, part: &Part) -> Result<Bytes> {
    let corrupt = |reason: String| Error::Corrupt {
        id: manifest.id.clone(),
        reason,
    };
    let bytes = match store.get(&part.key).await {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Err(corrupt(format!("part {} is missing from the store", part.key))),
        Err(error @ todo_objects::ObjectStoreError::Corrupt { .. }) => return Err(corrupt(error.to_string())),
        Err(error) => return Err(error.into()),
    };
    let found = sha256_hex(&bytes);
    if found != part.sha256 || bytes.len() as u64 != part.bytes {
        return Err(corrupt(format!(
            "part {} has SHA-256 {found}, the manifest lists {}",
            part.key, part.sha256
        )));
    }
    Ok(bytes)
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    format!("{:x}", sha2::Sha256::digest(bytes))
}
