//! backup's description: what `knative/`, `keda/` and `todo functions` are checked against. One
//! unit of periodic work, `snapshot`: take a backup, then apply the retention.

use std::sync::Arc;

use anyhow::Context;
use async_trait::async_trait;
use chrono::Utc;
use todo_kit::function::{EventDelivery, Function, Http, Parts, Periodic, Work, WorkError, WorkReport};
use todo_kit::settings::{Setting, common};
use todo_objects::ObjectStore;

use crate::{SnapshotSettings, prune, snapshot};

/// `BACKUP_STORE_URL`: where backups go. A secret: an S3 URL's endpoint may carry a token.
pub const BACKUP_STORE_URL: Setting = Setting::required(
    "BACKUP_STORE_URL",
    "where backups go: s3://bucket/prefix?endpoint=https://...&region=... or file:///path",
)
.secret();
/// `BACKUP_KEEP_DAILY`.
pub const BACKUP_KEEP_DAILY: Setting = Setting::optional(
    "BACKUP_KEEP_DAILY",
    "days (that have backups) whose newest backup is kept; every backup of the last 24 h is kept",
)
.default_value("7");
/// `BACKUP_KEEP_WEEKLY`.
pub const BACKUP_KEEP_WEEKLY: Setting = Setting::optional(
    "BACKUP_KEEP_WEEKLY",
    "ISO weeks (that have backups) whose newest backup is kept",
)
.default_value("4");
const OWN: &[Setting] = &[
    common::DATABASE_URL,
    BACKUP_STORE_URL,
    BACKUP_KEEP_DAILY,
    BACKUP_KEEP_WEEKLY,
    common::BACKGROUND_WORK,
    // Recorded in each manifest, for the replay.
    outbox_relay::function::OUTBOX_RETENTION_HOURS,
];

/// backup as a deployable function.
pub const FUNCTION: Function = Function {
    name: "backup",
    summary: "backs up the platform's database to the object store and deletes backups past retention",
    http: Http::ClusterLocal,
    consumes: &[],
    delivery: EventDelivery::Events,
    publishes: &[],
    settings: &[OWN, common::OBJECT_STORE, common::SERVER, common::TELEMETRY],
    periodic: &[Periodic {
        name: "snapshot",
        schedule: "0 */6 * * *",
        about: "take a backup, then delete backups past retention",
    }],
};

/// One scheduled backup: a snapshot, then the retention.
#[derive(Clone)]
pub struct BackupWork {
    /// The database backed up.
    database_url: String,
    /// Where backups go.
    pub store: Arc<dyn ObjectStore>,
    /// What the manifest records.
    pub settings: SnapshotSettings,
    /// Days whose newest backup is kept.
    pub keep_daily: usize,
    /// ISO weeks whose newest backup is kept.
    pub keep_weekly: usize,
}

impl BackupWork {
    /// Backs up `database_url` to `store`, keeping what the counts say.
    pub fn new(
        database_url: impl Into<String>,
        store: Arc<dyn ObjectStore>,
        settings: SnapshotSettings,
        keep_daily: usize,
        keep_weekly: usize,
    ) -> Self {
        Self {
            database_url: database_url.into(),
            store,
            settings,
            keep_daily,
            keep_weekly,
        }
    }
}

impl std::fmt::Debug for BackupWork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Not the database URL: it holds the password.
        f.debug_struct("BackupWork")
            .field("store", &self.store)
            .field("settings", &self.settings)
            .field("keep_daily", &self.keep_daily)
            .field("keep_weekly", &self.keep_weekly)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl Work for BackupWork {
    async fn run_once(&self) -> Result<WorkReport, WorkError> {
        let manifest = snapshot(&self.database_url, self.store.as_ref(), &self.settings)
            .await
            .map_err(WorkError::from_error)?;
        // The backup is written; a failing prune is retried with the next one.
        let pruned = match prune(self.store.as_ref(), self.keep_daily, self.keep_weekly, Utc::now()).await {
            Ok(report) => report,
            Err(error) => {
                tracing::warn!(%error, "cannot apply the backup retention; the next run tries again");
                crate::PruneReport::default()
            }
        };
        Ok(WorkReport::default()
            .with("backup_id", manifest.id.clone())
            .with("tables", manifest.tables.len())
            .with("rows", manifest.total_rows())
            .with("bytes", manifest.total_bytes())
            .with("deleted", pruned.deleted.len())
            .with("abandoned", pruned.abandoned.len()))
    }
}

/// How often a running backup takes one in its loop (`BACKGROUND_WORK=loop`, the KEDA variant's
/// single replica): the period of the `snapshot` schedule.
const LOOP_EVERY: std::time::Duration = std::time::Duration::from_secs(6 * 3600);

/// The loop: a backup each [`LOOP_EVERY`], the first one period after the start, so a pod woken by
/// its trigger (which takes the backup itself) does not take a second one.
async fn every_period(work: Arc<dyn Work>, shutdown: std::pin::Pin<Box<dyn Future<Output = ()> + Send>>) {
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => return,
            () = tokio::time::sleep(LOOP_EVERY) => {}
        }
        if let Err(error) = work.run_once().await {
            tracing::warn!(work = "snapshot", %error, "backup failed; the next period tries again");
        }
    }
}

/// Reads the settings and opens the store; backups run when `POST /work/snapshot` is triggered
/// (a PingSource), and every six hours in the loop of a long-running replica.
///
/// # Errors
/// A bad setting or a store URL that cannot be used.
pub async fn start() -> anyhow::Result<Parts> {
    let database_url = common::DATABASE_URL.require()?;
    crate::Engine::of_url(&database_url)?;
    let store = todo_objects::connect(&BACKUP_STORE_URL.require()?)
        .await
        .context("Failed to open the backup store")?;
    let work = Arc::new(BackupWork::new(
        database_url,
        store.clone(),
        SnapshotSettings::from_env()?,
        BACKUP_KEEP_DAILY.parse_required("a number of days")?,
        BACKUP_KEEP_WEEKLY.parse_required("a number of weeks")?,
    ));
    let readiness = todo_kit::health::ready_when(move || {
        let store = store.clone();
        // A HEAD of a key that need not exist: the store answers, and takes the credentials.
        async move {
            store
                .head("backups/readyz")
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
    });
    let looping: Arc<dyn Work> = work.clone();
    Ok(Parts {
        routes: todo_kit::health::router(readiness).merge(todo_kit::metrics::router()),
        work: vec![("snapshot", work)],
        loops: vec![Box::new(move |shutdown| tokio::spawn(every_period(looping, shutdown)))],
        ..Parts::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_description_names_its_work_and_hides_the_store_url() {
        let json = FUNCTION.to_json();
        assert_eq!(json["periodic"][0]["path"], "/work/snapshot");
        assert_eq!(json["periodic"][0]["schedule"], "0 */6 * * *");
        let store = FUNCTION.setting("BACKUP_STORE_URL").unwrap();
        assert!(store.secret);
        assert_eq!(FUNCTION.setting("BACKUP_KEEP_DAILY").unwrap().default, Some("7"));
        assert_eq!(FUNCTION.setting("OUTBOX_RETENTION_HOURS").unwrap().default, Some("168"));
        assert!(FUNCTION.consumes.is_empty());
    }
}
