//! The functions `todo serve` runs, built as their own `main`s would build them but on one store,
//! bus and secret, with the workers the background loops drive as well ([`crate::background`]).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use outbox_relay::{Relay, RelaySettings};
use session_api::{SessionStore, SessionWorker, WorkerSettings};
use task_api::AppState;
use todo_kit::Authenticator;
use todo_kit::bus::EventBus;
use todo_kit::function::Work;
use todo_kit::settings::env_var;
use todo_tasks::store::TaskStore;

use crate::embedded::Embedded;

/// The functions' shared parts: what the background loops and the gateway use beside them.
pub(super) struct Platform {
    pub(super) relay: Arc<Relay>,
    pub(super) session_worker: Arc<SessionWorker>,
    pub(super) analytics: analytics::Analytics,
    pub(super) notifier: notifier::Notifier,
    pub(super) announce: scheduler::AnnounceWork,
    /// How often the scheduler announces (`SCHEDULER_TICK_SECONDS`).
    pub(super) tick: Duration,
    clock: Arc<dyn scheduler::Clock>,
    backup_work: Arc<dyn Work>,
}

impl Platform {
    /// Opens every function's tables and builds its workers, publishing to `bus` under
    /// `topic_prefix`.
    ///
    /// # Errors
    /// A bad setting, or a database or object store that cannot be opened.
    pub(super) async fn open(
        store: &Arc<dyn TaskStore>,
        sessions: &Arc<dyn SessionStore>,
        bus: &Arc<dyn EventBus>,
        topic_prefix: &str,
        database_url: &str,
        data_dir: &Path,
        auth: &Arc<Authenticator>,
    ) -> anyhow::Result<Self> {
        let relay = Arc::new(outbox_relay::task_relay(
            store.clone(),
            bus.clone(),
            RelaySettings {
                topic_prefix: topic_prefix.to_owned(),
                ..RelaySettings::default()
            },
        ));
        let session_worker = Arc::new(SessionWorker::new(
            sessions.clone(),
            bus.clone(),
            WorkerSettings {
                topic_prefix: topic_prefix.to_owned(),
                ..WorkerSettings::default()
            },
        ));
        let analytics = analytics::connect(database_url)
            .await
            .context("Failed to open the analytics read model")?;
        let notifier_settings = notifier::Settings::from_env()?;
        let notifier = notifier::connect(database_url, notifier_settings, auth.clone())
            .await
            .context("Failed to open the notifier's tables")?;
        let clock = scheduler::system_clock();
        let scheduler_tick: u64 =
            scheduler::function::SCHEDULER_TICK_SECONDS.parse_required("a positive number of seconds")?;
        anyhow::ensure!(
            scheduler_tick > 0,
            "SCHEDULER_TICK_SECONDS must be a positive number of seconds"
        );
        let announce = scheduler::AnnounceWork {
            announcer: Arc::new(scheduler::Announcer::new(store.clone())),
            clock: clock.clone(),
        };
        // `POST /work/snapshot` backs the database up to the data directory's objects/backups (or
        // BACKUP_STORE_URL), as the cluster's PingSource does; `todo backup` does the same by hand.
        let backup_store =
            crate::object_stores::open(env_var("BACKUP_STORE_URL").as_deref(), data_dir, "backups").await?;
        let backup_work: Arc<dyn Work> = Arc::new(backup::BackupWork::new(
            database_url.to_owned(),
            backup_store,
            backup::SnapshotSettings::from_env()?,
            backup::function::BACKUP_KEEP_DAILY.parse_required("a number of days")?,
            backup::function::BACKUP_KEEP_WEEKLY.parse_required("a number of weeks")?,
        ));
        Ok(Self {
            relay,
            session_worker,
            analytics,
            notifier,
            announce,
            tick: Duration::from_secs(scheduler_tick),
            clock,
            backup_work,
        })
    }

    /// Every function with its routes, handler and units of work, paired with its description;
    /// aiops and web join later (they need the consumers' pause switches and the sign-in). (chat-api's
    /// routes need this server's address, so the gateway adds them once it is bound.)
    pub(super) fn embedded(
        &self,
        store: &Arc<dyn TaskStore>,
        sessions: Arc<dyn SessionStore>,
        auth: &Arc<Authenticator>,
    ) -> Vec<Embedded> {
        vec![
            Embedded::http(
                &task_api::FUNCTION,
                task_api::service(AppState::new(store.clone(), auth.clone())),
            ),
            Embedded {
                function: &session_api::FUNCTION,
                routes: session_api::routes(session_api::AppState {
                    store: sessions,
                    auth: auth.clone(),
                }),
                handler: None,
                work: vec![("sessions", self.session_worker.clone())],
            },
            Embedded::http(&chat_api::FUNCTION, axum::Router::new()),
            Embedded {
                function: &analytics::FUNCTION,
                routes: analytics::routes(self.analytics.state(auth.clone())),
                handler: Some(self.analytics.handler.clone()),
                work: Vec::new(),
            },
            Embedded {
                function: &notifier::FUNCTION,
                routes: notifier::routes(self.notifier.state.clone()),
                handler: Some(self.notifier.handler.clone()),
                work: vec![("deliveries", self.notifier.worker.clone())],
            },
            Embedded {
                function: &scheduler::FUNCTION,
                routes: axum::Router::new(),
                handler: Some(Arc::new(scheduler::NextOccurrence::new(
                    store.clone(),
                    self.clock.clone(),
                ))),
                work: vec![("announce", Arc::new(self.announce.clone()))],
            },
            Embedded {
                function: &outbox_relay::FUNCTION,
                routes: axum::Router::new(),
                handler: None,
                work: vec![("drain", self.relay.clone())],
            },
            // Reads its topics in batches in the background (see Background).
            Embedded::http(&archiver::FUNCTION, axum::Router::new()),
            Embedded {
                function: &backup::FUNCTION,
                routes: axum::Router::new(),
                handler: None,
                work: vec![("snapshot", self.backup_work.clone())],
            },
        ]
    }
}
