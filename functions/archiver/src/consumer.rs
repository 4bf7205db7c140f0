//! The archiver's consumer: one member of consumer group `archiver` on every topic, holding a
//! batch per partition until it is big or old enough, then archiving it and only then committing
//! its offsets. Offsets at or before a partition's archived position (a batch archived by a run
//! that stopped before committing) are committed without being written again.

use std::collections::HashMap;
use std::time::Duration;

use chrono::Utc;
use cloudevents::AttributesReader;
use todo_kit::bus::{BusError, Delivery, EventBus, Subscription};
use tokio::time::Instant;

use crate::archive::{Archive, ArchiveError, Batch};

/// The consumer group (the function's name, as the manifests' lag triggers say), and the
/// `service` label of the archive's metrics.
pub const GROUP: &str = "archiver";

/// When a batch is archived.
#[derive(Debug, Clone)]
pub struct BatchSettings {
    /// Events per object, at most.
    pub max_events: usize,
    /// Bytes per object before compression, at most (roughly: counted as the records' sizes).
    pub max_bytes: usize,
    /// How long an event waits for its batch to fill: the archive's lag in quiet times.
    pub max_wait: Duration,
    /// The deployment's topic prefix, left out of the archive's keys.
    pub topic_prefix: String,
    /// The consumer group: [`GROUP`], except for tests sharing one broker.
    pub group: String,
}

impl Default for BatchSettings {
    fn default() -> Self {
        Self {
            max_events: 10_000,
            max_bytes: 8 << 20,
            max_wait: Duration::from_secs(5),
            topic_prefix: String::new(),
            group: GROUP.to_owned(),
        }
    }
}

/// Why the archiver stopped.
#[derive(Debug, thiserror::Error)]
pub enum ArchiverError {
    #[error(transparent)]
    Bus(#[from] BusError),
    #[error(transparent)]
    Archive(#[from] ArchiveError),
}

/// A partition's batch in the making.
struct Pending {
    batch: Batch,
    /// The delivery to commit once the batch is archived.
    last: Delivery,
    bytes: usize,
    started: Instant,
}

/// One partition as the consumer sees it.
#[derive(Default)]
struct PartitionState {
    /// The archived position, once read from the archive.
    archived: Option<Option<i64>>,
    pending: Option<Pending>,
}

/// Archives `topics` (with their prefix) from `bus` until `shutdown` resolves; the batches held
/// then are archived and committed before it returns.
///
/// # Errors
/// When the bus fails, or the archive cannot be written (nothing is then committed that is not
/// archived: the same events arrive again).
pub async fn archive(
    bus: &dyn EventBus,
    archive: &Archive,
    topics: &[String],
    settings: &BatchSettings,
    shutdown: impl Future<Output = ()>,
) -> Result<(), ArchiverError> {
    let log = bus.log_id().await?;
    let mut member = bus.subscribe(&settings.group, topics).await?;
    let mut partitions: HashMap<(String, i32), PartitionState> = HashMap::new();
    tokio::pin!(shutdown);
    loop {
        let deadline = partitions
            .values()
            .filter_map(|p| p.pending.as_ref().map(|pending| pending.started + settings.max_wait))
            .min();
        tokio::select! {
            biased;
            () = &mut shutdown => {
                for key in partitions.keys().cloned().collect::<Vec<_>>() {
                    flush(member.as_mut(), archive, &mut partitions, &key).await?;
                }
                return Ok(());
            }
            () = sleep_until(deadline) => {
                let now = Instant::now();
                let due: Vec<_> = partitions
                    .iter()
                    .filter(|(_, p)| p.pending.as_ref().is_some_and(|pending| pending.started + settings.max_wait <= now))
                    .map(|(key, _)| key.clone())
                    .collect();
                for key in due {
                    flush(member.as_mut(), archive, &mut partitions, &key).await?;
                }
            }
            delivery = member.next() => {
                take(member.as_mut(), archive, &log, &mut partitions, delivery?, settings).await?;
            }
        }
    }
}

/// The event with the key it was published under, as the CloudEvents `partitionkey` extension,
/// so a replay publishes it to the same partition (and so in the same order) again.
fn with_partition_key(mut event: cloudevents::Event, key: Option<&str>) -> cloudevents::Event {
    if let Some(key) = key
        && event.extension(PARTITION_KEY).is_none()
    {
        event.set_extension(PARTITION_KEY, key.to_owned());
    }
    event
}

/// The CloudEvents Partitioning extension's attribute.
pub const PARTITION_KEY: &str = "partitionkey";

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// Adds a delivery to its partition's batch, archiving the batch first when the delivery starts
/// another day and after when the batch is full.
async fn take(
    member: &mut dyn Subscription,
    archive: &Archive,
    log: &str,
    partitions: &mut HashMap<(String, i32), PartitionState>,
    delivery: Delivery,
    settings: &BatchSettings,
) -> Result<(), ArchiverError> {
    let topic = delivery
        .topic
        .strip_prefix(settings.topic_prefix.as_str())
        .unwrap_or(&delivery.topic)
        .to_owned();
    let key = (delivery.topic.clone(), delivery.partition);
    let state = partitions.entry(key.clone()).or_default();
    let archived = match state.archived {
        Some(archived) => archived,
        None => {
            let archived = archive.position(log, &topic, delivery.partition).await?;
            state.archived = Some(archived);
            archived
        }
    };
    if archived.is_some_and(|archived| delivery.offset <= archived) {
        // Archived by a run that stopped before it committed.
        if state.pending.is_none() {
            member.commit(&delivery).await?;
        }
        return Ok(());
    }
    let event = match &delivery.event {
        Ok(event) => with_partition_key(event.clone(), delivery.key.as_deref()),
        Err(reason) => {
            // Not a CloudEvent: nothing to archive (consumers send it to dead-letter). Its offset
            // is committed with its partition's next batch.
            tracing::warn!(topic = %delivery.topic, partition = delivery.partition, offset = delivery.offset, %reason, "unreadable record not archived");
            if let Some(pending) = &mut state.pending {
                pending.last = delivery;
            } else {
                member.commit(&delivery).await?;
            }
            return Ok(());
        }
    };
    let time = event.time().copied().unwrap_or_else(Utc::now);
    let date = time.date_naive();
    if state.pending.as_ref().is_some_and(|p| p.batch.date != date) {
        flush(member, archive, partitions, &key).await?;
    }
    let state = partitions.entry(key.clone()).or_default();
    let size = delivery.size;
    let pending = state.pending.get_or_insert_with(|| {
        let lag = (Utc::now() - time).num_milliseconds().max(0) as f64 / 1000.0;
        todo_kit::metrics::metrics()
            .archive_lag
            .with_label_values(&[GROUP, &topic])
            .set(lag);
        Pending {
            batch: Batch {
                topic: topic.clone(),
                log: log.to_owned(),
                partition: delivery.partition,
                date,
                events: Vec::new(),
            },
            last: delivery.clone(),
            bytes: 0,
            started: Instant::now(),
        }
    });
    pending.batch.events.push((delivery.offset, event));
    pending.bytes += size;
    pending.last = delivery;
    if pending.batch.events.len() >= settings.max_events || pending.bytes >= settings.max_bytes {
        flush(member, archive, partitions, &key).await?;
    }
    Ok(())
}

/// Archives a partition's batch, then commits its offsets.
async fn flush(
    member: &mut dyn Subscription,
    archive: &Archive,
    partitions: &mut HashMap<(String, i32), PartitionState>,
    key: &(String, i32),
) -> Result<(), ArchiverError> {
    let Some(state) = partitions.get_mut(key) else {
        return Ok(());
    };
    let Some(pending) = state.pending.take() else {
        return Ok(());
    };
    let started = std::time::Instant::now();
    let written = archive.write(&pending.batch).await?;
    state.archived = Some(Some(written.last_offset));
    let m = todo_kit::metrics::metrics();
    m.archived_events
        .with_label_values(&[GROUP, &pending.batch.topic])
        .inc_by(written.events);
    m.archive_lag.with_label_values(&[GROUP, &pending.batch.topic]).set(0.0);
    tracing::info!(
        topic = %pending.batch.topic,
        partition = key.1,
        events = written.events,
        adopted = written.adopted,
        last_offset = written.last_offset,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "archived"
    );
    member.commit(&pending.last).await?;
    Ok(())
}

/// Runs [`archive`] until `shutdown` resolves, starting it again after every failure (a broker
/// or store outage) with growing pauses (the kit's consumers' policy). Each start resumes from the
/// last commit, so what was read and not archived arrives again.
pub async fn archive_until_shutdown(
    bus: &dyn EventBus,
    store: &Archive,
    topics: &[String],
    settings: &BatchSettings,
    shutdown: impl Future<Output = ()>,
) {
    todo_kit::handler::restart_until_shutdown(GROUP, shutdown, |stop| archive(bus, store, topics, settings, stop))
        .await;
}
