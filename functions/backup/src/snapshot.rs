//! Taking a backup: one consistent snapshot of the platform's database, its parts put in the
//! store first and its manifest last (see [`crate::manifest`]). The engine-specific halves are in
//! [`crate::postgres`] and [`crate::sqlite`].

use std::time::Instant;

use bytes::Bytes;
use todo_kit::settings::ConfigError;
use todo_objects::ObjectStore;

use crate::manifest::{MANIFEST_FORMAT, Manifest, manifest_key};
use crate::progress::{ProgressFn, no_progress};
use crate::{Engine, Result};

/// What a snapshot records besides the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotSettings {
    /// How long the relay keeps published outbox rows, in hours (`OUTBOX_RETENTION_HOURS`,
    /// default 168), recorded in the manifest for the replay.
    pub outbox_retention_hours: u64,
}

impl Default for SnapshotSettings {
    fn default() -> Self {
        Self {
            outbox_retention_hours: outbox_relay::function::OUTBOX_RETENTION_HOURS
                .default
                .and_then(|hours| hours.parse().ok())
                .unwrap_or(168),
        }
    }
}

impl SnapshotSettings {
    /// Reads `OUTBOX_RETENTION_HOURS` (the relay's setting) from the environment.
    ///
    /// # Errors
    /// When it is not a number of hours.
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            outbox_retention_hours: outbox_relay::function::OUTBOX_RETENTION_HOURS
                .parse_required("a number of hours")?,
        })
    }
}

/// Backs up the database at `database_url` to `store` and returns the manifest written.
///
/// # Errors
/// An unsupported URL, a database or store failure. A backup that fails leaves no manifest, so it
/// is never listed; its parts are removed by a later [`prune`](crate::prune()).
pub async fn snapshot(database_url: &str, store: &dyn ObjectStore, settings: &SnapshotSettings) -> Result<Manifest> {
    snapshot_with_progress(database_url, store, settings, no_progress()).await
}

/// [`snapshot`], reporting each table as it is done.
///
/// # Errors
/// As [`snapshot`].
#[tracing::instrument(name = "backup.snapshot", skip_all, fields(backup_id, engine))]
pub async fn snapshot_with_progress(
    database_url: &str,
    store: &dyn ObjectStore,
    settings: &SnapshotSettings,
    progress: ProgressFn<'_>,
) -> Result<Manifest> {
    let engine = Engine::of_url(database_url)?;
    tracing::Span::current().record("engine", engine.as_str());
    let started = Instant::now();
    let copied = match engine {
        Engine::Postgres => crate::postgres::snapshot(database_url, store, progress).await?,
        Engine::Sqlite => crate::sqlite::snapshot(database_url, store, progress).await?,
    };
    let manifest = Manifest {
        format: MANIFEST_FORMAT,
        id: copied.id,
        created_at: copied.created_at,
        engine,
        schema_versions: copied.schema_versions,
        tables: copied.tables,
        parts: copied.parts,
        newest_event: copied.newest_event,
        newest_published_outbox_id: copied.newest_published_outbox_id,
        outbox_retention_hours: settings.outbox_retention_hours,
        checksum: String::new(),
    }
    .sealed();
    tracing::Span::current().record("backup_id", manifest.id.as_str());
    store
        .put(&manifest_key(&manifest.id), Bytes::from(manifest.to_bytes()))
        .await?;
    todo_kit::metrics::metrics()
        .backup_last_success
        .with_label_values(&[crate::SERVICE])
        .set(chrono::Utc::now().timestamp() as f64);
    tracing::info!(
        backup_id = %manifest.id,
        engine = %engine,
        tables = manifest.tables.len(),
        rows = manifest.total_rows(),
        bytes = manifest.total_bytes(),
        elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        store = %store.describe(),
        "backup written"
    );
    Ok(manifest)
}

/// What an engine's snapshot copied, for the manifest.
pub(crate) struct Copied {
    pub(crate) id: String,
    pub(crate) created_at: chrono::DateTime<chrono::Utc>,
    pub(crate) schema_versions: Vec<i64>,
    pub(crate) tables: Vec<crate::TableInfo>,
    pub(crate) parts: Vec<crate::Part>,
    pub(crate) newest_event: Option<crate::NewestEvent>,
    pub(crate) newest_published_outbox_id: Option<i64>,
}
