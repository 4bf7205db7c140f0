//! The outbox relay: moves events from the transactional outbox to the event bus.
//!
//! One [`Relay::step`] claims a batch of the oldest unpublished rows, publishes them in order
//! (keyed by the row's partition key), and marks them published only after the bus acknowledged
//! every one. A crash anywhere before the mark means the batch is published again: delivery is at
//! least once, and consumers are idempotent. [`Relay::run`] repeats steps, waking on new writes
//! (PostgreSQL `LISTEN/NOTIFY`, or in process for SQLite) and at least every poll interval, and
//! prunes old published rows.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use cloudevents::Event;
use cloudevents::event::{AttributesReader, AttributesWriter};
use todo_events::Topic;
use todo_kit::bus::{BusError, EventBus, Outgoing};
use todo_kit::metrics::metrics;
use todo_tasks::store::{Outbox, OutboxRow};

/// Answers `/readyz` by reading the outbox backlog.
/// The `service` label of the relay's metrics.
pub const SERVICE: &str = "outbox-relay";

/// How often the backlog gauges are refreshed while the relay runs.
const BACKLOG_SAMPLE_EVERY: Duration = Duration::from_secs(2);

/// What one step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Published this many events.
    Published(usize),
    /// Nothing was waiting.
    Idle,
    /// Another relay holds the outbox.
    Busy,
}

/// Why a step failed. The batch stays pending and is retried.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    /// The outbox could not be read or marked.
    #[error("outbox: {0}")]
    Outbox(#[from] todo_tasks::Error),
    /// The bus did not take the batch.
    #[error("bus: {0}")]
    Bus(#[from] BusError),
}

/// How the relay behaves.
#[derive(Debug, Clone)]
pub struct RelaySettings {
    /// Most events per batch.
    pub batch_size: i64,
    /// Longest wait between steps when no wake-up comes.
    pub poll: Duration,
    /// Published rows older than this are deleted.
    pub retention: Duration,
    /// Put before every topic name, so environments can share a cluster (`staging.` gives
    /// `staging.task-events`); empty by default.
    pub topic_prefix: String,
}

impl Default for RelaySettings {
    fn default() -> Self {
        Self {
            batch_size: 100,
            poll: Duration::from_secs(1),
            retention: Duration::from_secs(7 * 24 * 3600),
            topic_prefix: String::new(),
        }
    }
}

/// Publishes an outbox to a bus.
#[derive(Debug, Clone)]
pub struct Relay {
    outbox: Arc<dyn Outbox>,
    bus: Arc<dyn EventBus>,
    settings: RelaySettings,
}

/// The bus message of an outbox row. A row that is not a readable CloudEvent (a bug, or a manual
/// edit) goes to `dead-letter` wrapped in an event that says why, so it neither blocks the outbox
/// nor disappears.
fn outgoing(row: &OutboxRow, prefix: &str) -> Outgoing {
    match serde_json::from_value::<Event>(row.event_data.clone()) {
        Ok(event) => Outgoing {
            topic: format!("{prefix}{}", row.topic),
            key: row.partition_key.clone(),
            event,
        },
        Err(error) => {
            tracing::error!(outbox_id = row.id, %error, "unreadable outbox row sent to dead-letter");
            let mut event = Event::default();
            event.set_id(row.event_id.to_string());
            event.set_source("/functions/outbox-relay");
            event.set_type("outbox.unreadable");
            event.set_time(Some(Utc::now()));
            event.set_data(
                "application/json",
                serde_json::json!({ "outbox_id": row.id, "topic": row.topic, "error": error.to_string(), "row": row.event_data }),
            );
            Outgoing {
                topic: format!("{prefix}{}", Topic::DeadLetter.name()),
                key: None,
                event,
            }
        }
    }
}

impl Relay {
    /// A relay from `outbox` to `bus`.
    pub fn new(outbox: Arc<dyn Outbox>, bus: Arc<dyn EventBus>, settings: RelaySettings) -> Self {
        Self { outbox, bus, settings }
    }

    /// Creates the catalog's topics on the bus (idempotent).
    ///
    /// # Errors
    /// When the bus refuses or cannot be reached.
    pub async fn ensure_topics(&self) -> Result<(), BusError> {
        for topic in Topic::ALL {
            self.bus
                .ensure_topic(
                    &format!("{}{}", self.settings.topic_prefix, topic.name()),
                    topic.partitions(),
                )
                .await?;
        }
        Ok(())
    }

    /// Publishes one batch.
    ///
    /// # Errors
    /// When the outbox or the bus fails; the batch stays pending.
    pub async fn step(&self) -> Result<Step, RelayError> {
        let Some(claim) = self.outbox.claim(self.settings.batch_size).await? else {
            return Ok(Step::Busy);
        };
        if claim.rows().is_empty() {
            return Ok(Step::Idle);
        }
        let batch: Vec<Outgoing> = claim
            .rows()
            .iter()
            .map(|row| outgoing(row, &self.settings.topic_prefix))
            .collect();
        // One producer span per event, below the span that wrote it, open until the broker acked;
        // none at all when nothing traces (this is the relay's hot path).
        let _spans: Vec<tracing::Span> = if todo_kit::telemetry::tracing_on() {
            batch.iter().map(publish_span).collect()
        } else {
            Vec::new()
        };
        if let Err(error) = self.bus.publish(&batch).await {
            record_failure(&batch);
            // Free the rows now, so this relay (or another) can try again without waiting.
            if let Err(release) = claim.release().await {
                tracing::warn!(error = %release, "cannot release the outbox claim");
            }
            return Err(error.into());
        }
        let acknowledged = Utc::now();
        record_published(claim.rows(), &batch, acknowledged);
        claim.mark_published(acknowledged).await?;
        Ok(Step::Published(batch.len()))
    }

    /// `/healthz`, `/readyz` (the outbox answers) and `/metrics`, for probes and scrapes.
    pub fn ops_router(&self) -> axum::Router {
        let outbox = self.outbox.clone();
        let readiness = todo_kit::health::ready_when(move || {
            let outbox = outbox.clone();
            async move { outbox.backlog().await.map(|_| ()).map_err(|e| e.to_string()) }
        });
        todo_kit::health::router(readiness).merge(todo_kit::metrics::router())
    }

    /// Refreshes `outbox_pending` and `outbox_oldest_pending_seconds` from the outbox.
    ///
    /// # Errors
    /// When the outbox cannot be read; the gauges keep their last values.
    pub async fn sample_backlog(&self) -> Result<(), RelayError> {
        let backlog = self.outbox.backlog().await?;
        let m = metrics();
        m.outbox_pending.with_label_values(&[SERVICE]).set(backlog.pending);
        let age = backlog
            .oldest
            .map_or(0.0, |oldest| (Utc::now() - oldest).as_seconds_f64().max(0.0));
        m.outbox_oldest_pending.with_label_values(&[SERVICE]).set(age);
        Ok(())
    }

    /// Steps until `shutdown` resolves; a failing step is retried with a growing pause (capped at
    /// 30 s), and published rows past retention are pruned every hour.
    pub async fn run(&self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        let mut backoff = Duration::from_millis(100);
        let mut next_prune = tokio::time::Instant::now();
        let mut next_sample = tokio::time::Instant::now();
        loop {
            if tokio::time::Instant::now() >= next_prune {
                self.prune().await;
                next_prune = tokio::time::Instant::now() + Duration::from_secs(3600);
            }
            if tokio::time::Instant::now() >= next_sample {
                if let Err(error) = self.sample_backlog().await {
                    tracing::debug!(%error, "cannot sample the outbox backlog");
                }
                next_sample = tokio::time::Instant::now() + BACKLOG_SAMPLE_EVERY;
            }
            let pause = match self.step().await {
                Ok(Step::Published(count)) => {
                    tracing::debug!(count, "published outbox batch");
                    backoff = Duration::from_millis(100);
                    None
                }
                Ok(Step::Idle) => {
                    backoff = Duration::from_millis(100);
                    Some(Wait::Rows)
                }
                Ok(Step::Busy) => Some(Wait::Sleep(self.settings.poll)),
                Err(error) => {
                    tracing::warn!(error = %error, retry_in_ms = backoff.as_millis(), "outbox relay step failed");
                    if matches!(error, RelayError::Bus(_)) {
                        // A broker that lost its topics (a restarted development broker, a
                        // recreated cluster) gets them back; this is idempotent otherwise.
                        if let Err(error) = self.ensure_topics().await {
                            tracing::debug!(%error, "cannot ensure the topics yet");
                        }
                    }
                    let wait = backoff;
                    backoff = (backoff * 2).min(Duration::from_secs(30));
                    Some(Wait::Sleep(wait))
                }
            };
            let wait = async {
                match pause {
                    None => {}
                    Some(Wait::Rows) => self.outbox.wait_for_rows(self.settings.poll).await,
                    Some(Wait::Sleep(duration)) => tokio::time::sleep(duration).await,
                }
            };
            tokio::select! {
                () = &mut shutdown => {
                    tracing::info!("outbox relay stopping");
                    return;
                }
                () = wait => {}
            }
        }
    }

    async fn prune(&self) {
        let Ok(retention) = chrono::Duration::from_std(self.settings.retention) else {
            return;
        };
        match self.outbox.prune_published(Utc::now() - retention).await {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "pruned published outbox rows"),
            Err(error) => tracing::warn!(%error, "cannot prune the outbox"),
        }
    }
}

fn record_published(rows: &[OutboxRow], batch: &[Outgoing], acknowledged: chrono::DateTime<Utc>) {
    let m = metrics();
    let lag = m.outbox_publish_lag.with_label_values(&[SERVICE]);
    for (row, outgoing) in rows.iter().zip(batch) {
        m.events_published
            .with_label_values(&[SERVICE, &outgoing.topic, outgoing.event.ty()])
            .inc();
        lag.observe((acknowledged - row.created_at).as_seconds_f64().max(0.0));
    }
}

fn record_failure(batch: &[Outgoing]) {
    let m = metrics();
    let mut topics: Vec<&str> = batch.iter().map(|o| o.topic.as_str()).collect();
    topics.sort_unstable();
    topics.dedup();
    for topic in topics {
        m.event_publish_failures.with_label_values(&[SERVICE, topic]).inc();
    }
}

enum Wait {
    Rows,
    Sleep(Duration),
}

/// The span of publishing one event: a child of the producer's span (the event's `traceparent`).
fn publish_span(outgoing: &Outgoing) -> tracing::Span {
    use cloudevents::AttributesReader;
    let event = &outgoing.event;
    let span = tracing::info_span!(
        "publish",
        otel.name = %format!("publish {}", event.ty()),
        otel.kind = "producer",
        messaging.destination.name = %outgoing.topic,
        ce_id = %event.id(),
        ce_type = %event.ty(),
    );
    let traceparent = event.extension("traceparent").map(ToString::to_string);
    todo_kit::telemetry::propagation::set_parent(&span, traceparent.as_deref());
    span
}
