//! The events aiops publishes to `ops-events` (anomalies, incidents, and one `remediation.*` per
//! change of a remediation action), and the [`Publisher`] that sends them.
//!
//! Events are queued first and sent after, outside the state's lock: a watch and a webhook can
//! both produce events while the bus is slow. What the bus refuses stays queued, in order, for the
//! next flush (bounded: past [`MAX_PENDING`] the oldest are dropped with a warning), so a Kafka
//! outage delays the events rather than losing them, as long as the process lives.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};
use cloudevents::event::AttributesReader;
use todo_aiops::correlation::Incident;
use todo_events::{AnomalyDetected, DomainEvent, EventMetadata, IncidentOpened, IncidentResolved, Topic};
use todo_kit::bus::{BusError, EventBus, Outgoing};
use todo_kit::metrics::metrics;

use crate::state::Anomaly;
use crate::{EVENT_SOURCE, SERVICE};

/// The most events kept while the bus refuses them.
const MAX_PENDING: usize = 1_000;

/// `anomaly.detected` for `anomaly`.
pub(crate) fn anomaly_detected(anomaly: &Anomaly, now: DateTime<Utc>) -> DomainEvent {
    let payload = AnomalyDetected {
        component: anomaly.component.clone(),
        series: anomaly.series.clone(),
        at: anomaly.at,
        value: anomaly.value,
        score: anomaly.score.clamp(0.0, 1.0),
        // The schema's bound; a template is a message with its parameters as <*>.
        template: anomaly.template.as_ref().map(|t| t.chars().take(1024).collect()),
    };
    DomainEvent::new(EVENT_SOURCE, now, EventMetadata::default(), payload.into())
}

/// `incident.opened` for a new incident.
pub(crate) fn incident_opened(incident: &Incident, now: DateTime<Utc>) -> DomainEvent {
    let payload = IncidentOpened {
        incident_id: incident.id.clone(),
        opened_at: incident.opened_at,
        root_cause: root_cause(incident),
        confidence: incident.root_cause.confidence.clamp(0.0, 1.0),
        components: incident.components.iter().cloned().collect(),
        summary: incident.summary.clone(),
    };
    DomainEvent::new(EVENT_SOURCE, now, EventMetadata::default(), payload.into())
}

/// `incident.resolved` for an incident whose signals all ended, or that was merged into another
/// (then with `merged_into`, at `now`): either way, readers of `ops-events` see it closed.
pub(crate) fn incident_resolved(incident: &Incident, now: DateTime<Utc>) -> DomainEvent {
    let payload = IncidentResolved {
        incident_id: incident.id.clone(),
        opened_at: incident.opened_at,
        resolved_at: incident.resolved_at.unwrap_or(now),
        root_cause: root_cause(incident),
        merged_into: incident.merged_into.clone(),
    };
    DomainEvent::new(EVENT_SOURCE, now, EventMetadata::default(), payload.into())
}

/// The root cause's component; an incident always has one, but the schema wants a name.
fn root_cause(incident: &Incident) -> String {
    let named = &incident.root_cause.component;
    if named.is_empty() {
        incident
            .components
            .iter()
            .next()
            .cloned()
            .unwrap_or_else(|| "unknown".into())
    } else {
        named.clone()
    }
}

/// Sends aiops' events to `ops-events` on the bus.
#[derive(Debug)]
pub struct Publisher {
    bus: Arc<dyn EventBus>,
    /// `ops-events` after the deployment's `TOPIC_PREFIX`.
    topic: String,
    /// Events not yet acknowledged, oldest first.
    // A std Mutex: held to move events in or out, never across an await.
    pending: std::sync::Mutex<VecDeque<DomainEvent>>,
    /// One flush at a time, so events leave in the order they were queued.
    flushing: tokio::sync::Mutex<()>,
    /// Whether the topic is known to exist (the in-memory bus refuses unknown topics).
    topic_ready: AtomicBool,
}

impl Publisher {
    /// A publisher to `{topic_prefix}ops-events` on `bus`.
    pub fn new(bus: Arc<dyn EventBus>, topic_prefix: &str) -> Self {
        Self {
            bus,
            topic: format!("{topic_prefix}{}", Topic::OpsEvents.name()),
            pending: std::sync::Mutex::default(),
            flushing: tokio::sync::Mutex::new(()),
            topic_ready: AtomicBool::new(false),
        }
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, VecDeque<DomainEvent>> {
        self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Queues `events` for the next [`flush`](Self::flush).
    pub(crate) fn queue(&self, events: impl IntoIterator<Item = DomainEvent>) {
        let mut pending = self.pending();
        pending.extend(events);
        let over = pending.len().saturating_sub(MAX_PENDING);
        if over > 0 {
            pending.drain(..over);
            tracing::warn!(
                dropped = over,
                "the event bus is refusing events; dropped the oldest ops events"
            );
        }
    }

    /// Sends every queued event; returns how many the bus acknowledged.
    ///
    /// # Errors
    /// The bus refused them; they stay queued for the next flush.
    pub async fn flush(&self) -> Result<usize, BusError> {
        let _one_at_a_time = self.flushing.lock().await;
        let events: Vec<DomainEvent> = self.pending().drain(..).collect();
        if events.is_empty() {
            return Ok(0);
        }
        let sent = self.send(&events).await;
        if sent.is_err() {
            metrics()
                .event_publish_failures
                .with_label_values(&[SERVICE, &self.topic])
                .inc();
            let mut pending = self.pending();
            for event in events.into_iter().rev() {
                pending.push_front(event);
            }
        }
        sent
    }

    async fn send(&self, events: &[DomainEvent]) -> Result<usize, BusError> {
        if !self.topic_ready.load(Ordering::Relaxed) {
            self.bus
                .ensure_topic(&self.topic, Topic::OpsEvents.partitions())
                .await?;
            self.topic_ready.store(true, Ordering::Relaxed);
        }
        let outgoing: Vec<Outgoing> = events
            .iter()
            .map(|event| Outgoing {
                topic: self.topic.clone(),
                key: event.partition_key(),
                event: event.to_cloudevent(),
            })
            .collect();
        self.bus.publish(&outgoing).await?;
        for outgoing in &outgoing {
            metrics()
                .events_published
                .with_label_values(&[SERVICE, &outgoing.topic, outgoing.event.ty()])
                .inc();
        }
        Ok(outgoing.len())
    }
}
