//! The session-api's background work: move queued events from the store's outbox to the bus
//! (after the bus acknowledged them, never before), sweep expired sessions, and keep
//! `active_sessions_count` current. Runs beside the HTTP server, and inside `todo serve`.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use cloudevents::Event;
use todo_events::{DomainEvent, Topic};
use todo_kit::bus::{EventBus, Outgoing};
use todo_kit::metrics::metrics;

use crate::SERVICE;
use crate::store::{PendingEvent, SessionStore};

/// Events moved per publish.
const BATCH: usize = 100;
/// Sessions expired per sweep call.
const SWEEP_BATCH: usize = 500;
/// How long one triggered run keeps publishing.
const DRAIN_BUDGET: Duration = Duration::from_secs(20);

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
    bus: Arc<dyn EventBus>,
    settings: WorkerSettings,
}

impl SessionWorker {
    /// A worker for `store`, publishing to `bus`.
    pub fn new(store: Arc<dyn SessionStore>, bus: Arc<dyn EventBus>, settings: WorkerSettings) -> Self {
        Self { store, bus, settings }
    }

    /// Publishes one batch of queued events; returns how many (0 also while another instance
    /// holds the outbox).
    ///
    /// # Errors
    /// When the store or the bus fails; the events stay queued.
    pub async fn publish_once(&self) -> anyhow::Result<usize> {
        let Some(pending) = self.store.claim_outbox(BATCH).await? else {
            return Ok(0);
        };
        if pending.is_empty() {
            return Ok(0);
        }
        let batch: Vec<Outgoing> = pending.iter().map(|p| self.outgoing(p)).collect();
        if let Err(error) = self.bus.publish(&batch).await {
            for topic in topics(&batch) {
                metrics()
                    .event_publish_failures
                    .with_label_values(&[SERVICE, topic])
                    .inc();
            }
            return Err(error.into());
        }
        for outgoing in &batch {
            use cloudevents::event::AttributesReader;
            metrics()
                .events_published
                .with_label_values(&[SERVICE, &outgoing.topic, outgoing.event.ty()])
                .inc();
        }
        let ids: Vec<String> = pending.into_iter().map(|p| p.outbox_id).collect();
        self.store.ack_outbox(&ids).await?;
        Ok(ids.len())
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
        for topic in [todo_events::Topic::SessionEvents, todo_events::Topic::IntentEvents] {
            let name = format!("{}{}", self.settings.topic_prefix, topic.name());
            self.bus.ensure_topic(&name, topic.partitions()).await?;
        }
        Ok(())
    }

    /// Expires what is due and publishes every queued event, once: the unit of work a trigger
    /// drives when no loop runs (a function scaled to zero). Stops publishing after
    /// [`DRAIN_BUDGET`]; what is left waits for the next trigger.
    ///
    /// # Errors
    /// When the store or the bus fails; what was done stays done.
    pub async fn drain_once(&self) -> anyhow::Result<(usize, usize)> {
        let expired = self.sweep_once().await?;
        // Topics first, as the loop does: the trigger may be the first thing this bus sees.
        if let Err(error) = self.ensure_topics().await {
            tracing::debug!(%error, "cannot ensure the session topics yet");
        }
        let published = todo_kit::function::rounds_until_idle(DRAIN_BUDGET, || self.publish_once()).await?;
        Ok((expired, published))
    }

    /// Publishes and sweeps until `shutdown` resolves.
    pub async fn run(&self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        // Its own topics first (a standalone session-api on the in-process bus has nobody else to
        // create them); a bus that is down gets another try after each failed publish.
        let mut topics_ready = self.ensure_topics().await.is_ok();
        let mut next_sweep = tokio::time::Instant::now();
        loop {
            if tokio::time::Instant::now() >= next_sweep {
                match self.sweep_once().await {
                    Ok(0) => {}
                    Ok(count) => tracing::info!(count, "sessions expired"),
                    Err(error) => tracing::warn!(%error, "session sweep failed"),
                }
                next_sweep = tokio::time::Instant::now() + self.settings.sweep_every;
            }
            let pause = match self.publish_once().await {
                Ok(n) if n > 0 => Duration::ZERO,
                Ok(_) => self.settings.publish_every,
                Err(error) => {
                    if !topics_ready {
                        topics_ready = self.ensure_topics().await.is_ok();
                    }
                    tracing::warn!(%error, "cannot publish session events yet");
                    Duration::from_secs(1)
                }
            };
            tokio::select! {
                () = &mut shutdown => return,
                () = tokio::time::sleep(pause) => {}
            }
        }
    }

    /// The bus message of a queued event; one that cannot be read goes to `dead-letter` rather
    /// than blocking the outbox.
    fn outgoing(&self, pending: &PendingEvent) -> Outgoing {
        let prefix = &self.settings.topic_prefix;
        match DomainEvent::from_structured_json(&pending.event) {
            Ok(event) => Outgoing {
                topic: format!("{prefix}{}", event.topic().name()),
                key: event.partition_key(),
                event: event.to_cloudevent(),
            },
            Err(error) => {
                tracing::error!(outbox_id = %pending.outbox_id, %error, "unreadable session event sent to dead-letter");
                let mut event = Event::default();
                use cloudevents::event::AttributesWriter;
                event.set_id(uuid::Uuid::new_v4().to_string());
                event.set_source(crate::EVENT_SOURCE);
                event.set_type("outbox.unreadable");
                event.set_time(Some(Utc::now()));
                event.set_data(
                    "application/json",
                    serde_json::json!({ "outbox_id": pending.outbox_id, "error": error.to_string(), "event": pending.event }),
                );
                Outgoing {
                    topic: format!("{prefix}{}", Topic::DeadLetter.name()),
                    key: None,
                    event,
                }
            }
        }
    }
}

fn topics(batch: &[Outgoing]) -> Vec<&str> {
    let mut topics: Vec<&str> = batch.iter().map(|o| o.topic.as_str()).collect();
    topics.sort_unstable();
    topics.dedup();
    topics
}

#[async_trait::async_trait]
impl todo_kit::function::Work for SessionWorker {
    async fn run_once(&self) -> Result<todo_kit::function::WorkReport, todo_kit::function::WorkError> {
        let (expired, published) = self
            .drain_once()
            .await
            .map_err(todo_kit::function::WorkError::from_error)?;
        Ok(todo_kit::function::WorkReport::count("expired", expired).with("published", published))
    }
}
