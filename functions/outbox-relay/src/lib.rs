//! The outbox relay: moves events from the transactional outbox to the event bus.
//!
//! A relay first becomes the outbox's leader (one relay publishes at a time; the others wait their
//! turn). One [`Relay::step`] then claims batches of the oldest unpublished rows and sends them
//! in order (keyed by the row's partition key), keeping up to `in_flight` batches on the way to
//! the broker at once, and marks each batch published only after the bus acknowledged every one
//! of its events. A crash anywhere before the mark means the batch is published again: delivery
//! is at least once, and consumers are idempotent. [`Relay::run`] repeats steps, waking on new
//! writes (PostgreSQL `LISTEN/NOTIFY`, or in process for SQLite) and at least every poll
//! interval, and prunes old published rows.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;

use chrono::Utc;
use cloudevents::Event;
use cloudevents::event::{AttributesReader, AttributesWriter};
use todo_events::Topic;
use todo_kit::bus::{Acknowledgements, BusError, EventBus, Outgoing};
use todo_kit::metrics::metrics;
use todo_tasks::store::{Outbox, OutboxClaim, OutboxLeader, OutboxRow};

mod dead_letter;
mod drain;
pub mod function;

pub use dead_letter::dead_letter_router;
pub use function::{FUNCTION, start};

/// The `service` label of the relay's metrics.
pub const SERVICE: &str = "outbox-relay";

/// How often the backlog gauges are refreshed while the relay runs.
const BACKLOG_SAMPLE_EVERY: Duration = Duration::from_secs(2);

/// How long one step keeps claiming new batches, so that a relay facing a long backlog still
/// samples its gauges, prunes and sees shutdown between steps.
const STEP_SLICE: Duration = Duration::from_secs(1);

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
    /// Marking a batch stopped before it finished (a panic or a cancelled task).
    #[error("marking a batch: {0}")]
    Mark(#[from] tokio::task::JoinError),
}

/// How the relay behaves.
#[derive(Debug, Clone)]
pub struct RelaySettings {
    /// Most events per batch.
    pub batch_size: i64,
    /// Most batches on the way to the broker at once (at least 1).
    pub in_flight: usize,
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
            in_flight: 4,
            poll: Duration::from_secs(1),
            retention: Duration::from_secs(7 * 24 * 3600),
            topic_prefix: String::new(),
        }
    }
}

/// Publishes an outbox to a bus.
#[derive(Clone)]
pub struct Relay {
    outbox: Arc<dyn Outbox>,
    bus: Arc<dyn EventBus>,
    settings: RelaySettings,
    /// This relay's leadership of the outbox, once it has it.
    leader: Arc<tokio::sync::Mutex<Option<Box<dyn OutboxLeader>>>>,
}

impl std::fmt::Debug for Relay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Relay")
            .field("outbox", &self.outbox)
            .field("bus", &self.bus)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// A batch on its way to the broker: its claim, its events, and the broker's answer to come.
struct InFlight {
    claim: Box<dyn OutboxClaim>,
    batch: Vec<Outgoing>,
    acknowledgements: Acknowledgements,
    /// The events' producer spans, open until the broker answered.
    _spans: Vec<tracing::Span>,
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
        Self {
            outbox,
            bus,
            settings,
            leader: Arc::default(),
        }
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

    /// Publishes what waits in the outbox, for at most about a second: claims batches and keeps
    /// up to `in_flight` of them on the way to the broker, marking each once it was acknowledged.
    /// `Busy` when another relay leads.
    ///
    /// # Errors
    /// When the outbox or the bus fails. Batches that were acknowledged are marked; the others
    /// stay pending. After an outbox failure this relay gives up its leadership, which it may have
    /// lost with its connection, and asks for it again on the next step.
    pub async fn step(&self) -> Result<Step, RelayError> {
        let mut leader = self.leader.lock().await;
        if leader.is_none() {
            *leader = self.outbox.lead().await?;
        }
        let Some(leading) = leader.as_deref() else {
            return Ok(Step::Busy);
        };
        let result = self.publish_backlog(leading).await;
        if matches!(result, Err(RelayError::Outbox(_) | RelayError::Mark(_))) {
            *leader = None;
        }
        result
    }

    async fn publish_backlog(&self, leader: &dyn OutboxLeader) -> Result<Step, RelayError> {
        let depth = self.settings.in_flight.max(1);
        let stop_claiming = Instant::now() + STEP_SLICE;
        let mut in_flight: VecDeque<InFlight> = VecDeque::with_capacity(depth);
        // Marks run beside the next claims; a batch's rows stay held until its mark is done.
        let mut marking: JoinSet<todo_tasks::Result<()>> = JoinSet::new();
        let mut published = 0;
        let mut drained = false;
        loop {
            while !drained && in_flight.len() < depth && Instant::now() < stop_claiming {
                match self.send_next(leader).await {
                    Ok(Some(batch)) => {
                        // A short batch is the end of the backlog: the next claim would most
                        // likely find a few rows at best, so wait for this one instead.
                        drained = batch.batch.len() < usize::try_from(self.settings.batch_size).unwrap_or(usize::MAX);
                        in_flight.push_back(batch);
                    }
                    Ok(None) => drained = true,
                    Err(error) => return Err(settle(in_flight, marking, error).await),
                }
            }
            let Some(oldest) = in_flight.pop_front() else {
                break;
            };
            if let Err(error) = oldest.acknowledgements.await {
                record_failure(&oldest.batch);
                drop(oldest.claim);
                return Err(settle(in_flight, marking, error.into()).await);
            }
            while marking.len() >= depth {
                if let Err(error) = marked(marking.join_next().await) {
                    // The broker took it; left unmarked, it is published again.
                    record_published(oldest.claim.rows(), &oldest.batch, Utc::now());
                    return Err(settle(in_flight, marking, error).await);
                }
            }
            published += oldest.batch.len();
            mark(oldest.claim, &oldest.batch, &mut marking);
        }
        while let Some(done) = marking.join_next().await {
            marked(Some(done))?;
        }
        Ok(if published == 0 {
            Step::Idle
        } else {
            Step::Published(published)
        })
    }

    /// Claims the next batch and queues it on the bus; `None` when nothing else waits.
    async fn send_next(&self, leader: &dyn OutboxLeader) -> Result<Option<InFlight>, RelayError> {
        let claim = leader.claim(self.settings.batch_size).await?;
        if claim.rows().is_empty() {
            return Ok(None);
        }
        let batch: Vec<Outgoing> = claim
            .rows()
            .iter()
            .map(|row| outgoing(row, &self.settings.topic_prefix))
            .collect();
        // One producer span per event, below the span that wrote it, open until the broker acked;
        // none at all when nothing traces (this is the relay's hot path).
        let spans: Vec<tracing::Span> = if todo_kit::telemetry::tracing_on() {
            batch.iter().map(publish_span).collect()
        } else {
            Vec::new()
        };
        match self.bus.send(&batch) {
            Ok(acknowledgements) => Ok(Some(InFlight {
                claim,
                batch,
                acknowledgements,
                _spans: spans,
            })),
            Err(error) => {
                record_failure(&batch);
                Err(error.into())
            }
        }
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

    pub(crate) async fn prune(&self) {
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

/// Records an acknowledged batch and starts marking it published.
fn mark(claim: Box<dyn OutboxClaim>, batch: &[Outgoing], marking: &mut JoinSet<todo_tasks::Result<()>>) {
    let acknowledged = Utc::now();
    record_published(claim.rows(), batch, acknowledged);
    marking.spawn(claim.mark_published(acknowledged));
}

/// The result of one finished mark.
fn marked(done: Option<Result<todo_tasks::Result<()>, tokio::task::JoinError>>) -> Result<(), RelayError> {
    match done {
        None | Some(Ok(Ok(()))) => Ok(()),
        Some(Ok(Err(error))) => Err(error.into()),
        Some(Err(join)) => Err(RelayError::Outbox(todo_tasks::Error::Corrupt(format!(
            "marking a batch failed: {join}"
        )))),
    }
}

/// After a failure: waits for the marks under way and the batches still on the way (none may
/// travel when they are sent again, or a retry could overtake them), and marks those the broker
/// took, so that only the failed ones are published again. Returns the failure.
async fn settle(
    in_flight: VecDeque<InFlight>,
    mut marking: JoinSet<todo_tasks::Result<()>>,
    error: RelayError,
) -> RelayError {
    for batch in in_flight {
        match batch.acknowledgements.await {
            Ok(()) => mark(batch.claim, &batch.batch, &mut marking),
            Err(_) => record_failure(&batch.batch),
        }
    }
    while let Some(done) = marking.join_next().await {
        if let Err(error) = marked(Some(done)) {
            tracing::warn!(%error, "cannot mark an acknowledged batch; it will be published again");
        }
    }
    error
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
