//! Publishing the trail: each record is offered to a bounded queue (never waiting: a request is
//! not slowed by the trail) that one task empties in batches, as `audit.recorded` events on
//! `audit-events`, keyed by actor. The log line is written whatever happens here; a record that
//! cannot be queued or published is counted in `audit_records_dropped_total{reason}`.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use todo_events::{AuditRecorded, DomainEvent, EventMetadata, Topic};
use tokio::sync::mpsc;

use super::AuditRecord;
use crate::bus::{EventBus, Outgoing};
use crate::metrics::metrics;

/// Records waiting to be published at most; beyond, new ones are dropped (and counted).
const QUEUE: usize = 10_000;
/// Records per publish at most.
const BATCH: usize = 500;
/// Attempts of one batch before it is dropped (and counted).
const ATTEMPTS: u32 = 5;

/// Where [`offer`] sends records, and the service they are from, once [`publish_to`] started the
/// publisher.
static QUEUE_TX: OnceLock<(mpsc::Sender<AuditRecorded>, String)> = OnceLock::new();

/// Starts the process's publisher of the trail on `bus` (the first call wins; later ones return
/// `None`), events from `/functions/{service}` on `{topic_prefix}audit-events`.
pub fn publish_to(bus: Arc<dyn EventBus>, service: &str, topic_prefix: &str) -> Option<tokio::task::JoinHandle<()>> {
    let (tx, rx) = mpsc::channel(QUEUE);
    QUEUE_TX.set((tx, service.to_owned())).ok()?;
    let source = format!("/functions/{service}");
    let topic = format!("{topic_prefix}{}", Topic::AuditEvents.name());
    Some(tokio::spawn(run(bus, rx, source, topic)))
}

/// Whether a publisher runs.
pub(crate) fn active() -> bool {
    QUEUE_TX.get().is_some()
}

/// Queues `record` for publishing, if a publisher runs.
pub(crate) fn offer(record: &AuditRecord) {
    let Some((tx, service)) = QUEUE_TX.get() else {
        return;
    };
    if tx.try_send(payload(record, service)).is_err() {
        metrics().audit_records_dropped.with_label_values(&["queue_full"]).inc();
    }
}

fn payload(record: &AuditRecord, service: &str) -> AuditRecorded {
    let clip = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    AuditRecorded {
        actor: clip(&record.actor, 255),
        event: clip(&record.event, 64),
        service: clip(service, 64),
        method: clip(&record.method, 16),
        route: clip(&record.route, 512),
        resource_id: record
            .resource_id
            .as_deref()
            .map(|r| clip(r, 255))
            .filter(|r| !r.is_empty()),
        outcome: record.outcome.as_str().to_owned(),
        status: record.status,
        trace_id: record.trace_id.clone(),
        request_id: record
            .request_id
            .as_deref()
            .map(|r| clip(r, 128))
            .filter(|r| !r.is_empty()),
        client: record.client.map(|c| c.to_string()),
        at: record.at,
    }
}

async fn run(bus: Arc<dyn EventBus>, mut rx: mpsc::Receiver<AuditRecorded>, source: String, topic: String) {
    if let Err(error) = bus.ensure_topic(&topic, Topic::AuditEvents.partitions()).await {
        tracing::warn!(%error, %topic, "cannot create the audit topic; publishing will tell");
    }
    let mut batch = Vec::with_capacity(BATCH);
    while rx.recv_many(&mut batch, BATCH).await > 0 {
        let outgoing: Vec<Outgoing> = batch
            .drain(..)
            .map(|payload| {
                let at = payload.at;
                let event = DomainEvent::new(&source, at, EventMetadata::default(), payload.into());
                Outgoing {
                    topic: topic.clone(),
                    key: event.partition_key(),
                    event: event.to_cloudevent(),
                }
            })
            .collect();
        let mut delay = Duration::from_millis(100);
        for attempt in 1..=ATTEMPTS {
            match bus.publish(&outgoing).await {
                Ok(()) => break,
                Err(error) if attempt == ATTEMPTS => {
                    tracing::warn!(%error, records = outgoing.len(), "cannot publish audit records; they stay in the log only");
                    metrics()
                        .audit_records_dropped
                        .with_label_values(&["bus_error"])
                        .inc_by(outgoing.len() as u64);
                }
                Err(_) => {
                    tokio::time::sleep(delay).await;
                    delay *= 2;
                }
            }
        }
    }
}
