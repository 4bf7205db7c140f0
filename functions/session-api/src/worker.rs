//! The session-api's background work: move queued events from the store's outbox to the bus
//! (after the bus acknowledged them, never before), sweep expired sessions, and keep
//! `active_sessions_count` current. Runs beside the HTTP server, and inside `todo serve`.
//!
//! Publishing is the shared outbox relay's (`todo_outbox::Relay`) over the store's outbox
//! ([`SessionOutbox`]): the same claim, publish, acknowledge loop, retries, metrics and
//! dead letters as the task outbox's. The sweeps run beside it.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use todo_kit::bus::EventBus;
use todo_kit::function::{Work, WorkError, WorkReport};
use todo_kit::metrics::metrics;
use todo_outbox::{Relay, RelaySettings, Step};

use crate::SERVICE;
use crate::outbox::SessionOutbox;
use crate::store::SessionStore;

/// Events moved per batch.
const BATCH: i64 = 100;
/// Sessions expired per sweep call.
const SWEEP_BATCH: usize = 500;
/// How long one triggered run keeps publishing.
const DRAIN_BUDGET: Duration = Duration::from_secs(20);
/// The pause after a failed publish (the same each time).
const RETRY: Duration = Duration::from_secs(1);

/// How often the worker looks at the outbox and the deadlines.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Pause between outbox checks when nothing was waiting.
    pub publish_every: Duration,
    /// Pause between expiry sweeps.
    pub sweep_every: Duration,
    /// Put before every topic name (`staging.` gives `staging.session-events`).
    pub topic_prefix: String,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            publish_every: Duration::from_millis(200),
            sweep_every: Duration::from_secs(5),
            topic_prefix: String::new(),
        }
    }
}

/// Publishes a session store's events and expires its idle sessions.
#[derive(Debug, Clone)]
pub struct SessionWorker {
    store: Arc<dyn SessionStore>,
    relay: Relay,
    settings: WorkerSettings,
}

impl SessionWorker {
    /// A worker for `store`, publishing to `bus`.
    pub fn new(store: Arc<dyn SessionStore>, bus: Arc<dyn EventBus>, settings: WorkerSettings) -> Self {
        let relay = Relay::new(
            Arc::new(SessionOutbox::new(store.clone())),
            bus,
            RelaySettings {
                batch_size: BATCH,
                // One batch at a time, as the sessions' volume needs no more.
                in_flight: 1,
                poll: settings.publish_every,
                retry: RETRY,
                retry_max: RETRY,
                topic_prefix: settings.topic_prefix.clone(),
                ..RelaySettings::default()
            },
        );
        Self { store, relay, settings }
    }

    /// Publishes what is queued, for about a second at most; returns how many (0 also while
    /// another instance holds the outbox).
    ///
    /// # Errors
    /// When the store or the bus fails; the events stay queued.
    pub async fn publish_once(&self) -> anyhow::Result<usize> {
        Ok(match self.relay.step().await? {
            Step::Published(count) => count,
            Step::Idle | Step::Busy => 0,
        })
    }

    /// Expires the sessions whose deadline passed and refreshes `active_sessions_count`; returns
    /// how many expired.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn sweep_once(&self) -> anyhow::Result<usize> {
        let now = Utc::now();
        let mut expired = 0;
        loop {
            let count = self.store.sweep(now, SWEEP_BATCH).await?;
            expired += count;
            if count < SWEEP_BATCH {
                break;
            }
        }
        let active = self.store.active_count(now).await?;
        metrics()
            .active_sessions
            .with_label_values(&[SERVICE])
            .set(i64::try_from(active).unwrap_or(i64::MAX));
        Ok(expired)
    }

    /// Creates the topics this worker publishes to, unless they exist.
    ///
    /// # Errors
    /// When the bus cannot be reached or refuses.
    pub async fn ensure_topics(&self) -> Result<(), todo_kit::bus::BusError> {
        self.relay.ensure_topics().await
    }

    /// Expires what is due and publishes every queued event, once: the unit of work a trigger
    /// drives when no loop runs (a function scaled to zero). Stops publishing after 20 s
    /// (`DRAIN_BUDGET`); what is left waits for the next trigger.
    ///
    /// # Errors
    /// When the store or the bus fails; what was done stays done.
    pub async fn drain_once(&self) -> anyhow::Result<(usize, usize)> {
        let expired = self.sweep_once().await?;
        let drained = self.relay.drain(DRAIN_BUDGET).await?;
        Ok((expired, drained.published))
    }

    /// Publishes and sweeps until `shutdown` resolves; the batch on the way then is finished.
    pub async fn run(&self, shutdown: impl std::future::Future<Output = ()>) {
        // Its own topics first (a standalone session-api on the in-process bus has nobody else to
        // create them); the relay creates them again after a failed publish.
        if let Err(error) = self.ensure_topics().await {
            tracing::debug!(%error, "cannot ensure the session topics yet");
        }
        // A `Notified` made before `notify_waiters` is woken by it, polled yet or not.
        let stop = tokio::sync::Notify::new();
        tokio::join!(
            async {
                shutdown.await;
                stop.notify_waiters();
            },
            self.relay.run(stop.notified()),
            self.sweep_until(stop.notified()),
        );
    }

    /// Sweeps every `sweep_every` until `shutdown` resolves.
    async fn sweep_until(&self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            match self.sweep_once().await {
                Ok(0) => {}
                Ok(count) => tracing::info!(count, "sessions expired"),
                Err(error) => tracing::warn!(%error, "session sweep failed"),
            }
            tokio::select! {
                () = &mut shutdown => return,
                () = tokio::time::sleep(self.settings.sweep_every) => {}
            }
        }
    }
}

#[async_trait::async_trait]
impl Work for SessionWorker {
    async fn run_once(&self) -> Result<WorkReport, WorkError> {
        let (expired, published) = self.drain_once().await.map_err(WorkError::from_error)?;
        Ok(WorkReport::count("expired", expired).with("published", published))
    }
}
