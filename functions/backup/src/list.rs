//! The backups in a store, newest first, as their manifests describe them. A backup without a
//! manifest (interrupted, or being written) is not one; a manifest that fails its checksum is
//! left out with a warning, since it could not be restored.

use chrono::{DateTime, Utc};
use serde::Serialize;
use todo_objects::ObjectStore;

use crate::restore::read_manifest;
use crate::{BACKUPS_PREFIX, Engine, Manifest, NewestEvent, Result};

/// One backup, as `todo backups list` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestSummary {
    /// Its id.
    pub id: String,
    /// When its snapshot was taken.
    pub created_at: DateTime<Utc>,
    /// The database it came from.
    pub engine: Engine,
    /// The migration versions it needs.
    pub schema_versions: Vec<i64>,
    /// Tables in it.
    pub tables: usize,
    /// Rows in it.
    pub rows: u64,
    /// Its size in the store.
    pub bytes: u64,
    /// The newest outbox event it includes.
    pub newest_event: Option<NewestEvent>,
}

impl From<&Manifest> for ManifestSummary {
    fn from(m: &Manifest) -> Self {
        Self {
            id: m.id.clone(),
            created_at: m.created_at,
            engine: m.engine,
            schema_versions: m.schema_versions.clone(),
            tables: m.tables.len(),
            rows: m.total_rows(),
            bytes: m.total_bytes(),
            newest_event: m.newest_event.clone(),
        }
    }
}

/// Every backup in `store` whose manifest reads, newest first.
///
/// # Errors
/// When the store cannot be listed or read.
pub async fn list(store: &dyn ObjectStore) -> Result<Vec<ManifestSummary>> {
    let mut summaries = Vec::new();
    for id in manifest_ids(store).await? {
        match read_manifest(store, &id).await {
            Ok(manifest) => summaries.push(ManifestSummary::from(&manifest)),
            Err(error @ (crate::Error::Corrupt { .. } | crate::Error::Config(_))) => {
                tracing::warn!(backup_id = %id, %error, "backup left out of the listing");
            }
            Err(error) => return Err(error),
        }
    }
    summaries.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| b.id.cmp(&a.id)));
    Ok(summaries)
}

/// The ids of the folders under `backups/` that hold a `manifest.json`.
pub(crate) async fn manifest_ids(store: &dyn ObjectStore) -> Result<Vec<String>> {
    let objects = store.list(BACKUPS_PREFIX).await?;
    Ok(objects
        .iter()
        .filter_map(|o| o.key.strip_prefix(BACKUPS_PREFIX)?.strip_suffix("/manifest.json"))
        .filter(|id| !id.contains('/'))
        .map(str::to_owned)
        .collect())
}
