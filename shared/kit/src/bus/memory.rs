//! The in-memory bus of the embedded mode: topics with partitions, keys hashed to partitions as
//! Kafka does, consumer groups with committed offsets. Records are kept encoded with the Kafka
//! binding, so consumers decode exactly what they would from Kafka. One member per group reads
//! all partitions; nothing survives the process. Like Kafka's size retention, each partition keeps
//! its newest records only ([`RETAINED_PER_PARTITION`]), so a long-running `todo serve` stays small;
//! a member that fell behind the retained records continues at the oldest one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use tokio::sync::Notify;

use super::binding::{Record, decode, encode};
use super::topics::{TopicOutcome, TopicSpec, drift};
use super::{BusError, Delivery, EventBus, Outgoing, Start, Subscription, partition_for_key};

/// How many records each partition keeps.
pub(crate) const RETAINED_PER_PARTITION: usize = 10_000;

/// The retained records of one partition, each with its key; `base` is the offset of the first.
#[derive(Debug, Clone, Default)]
struct Partition {
    base: i64,
    records: std::collections::VecDeque<(Option<String>, Record)>,
}

impl Partition {
    /// The offset the next record will get.
    fn end(&self) -> i64 {
        self.base + i64::try_from(self.records.len()).unwrap_or(i64::MAX)
    }

    fn push(&mut self, key: Option<String>, record: Record) {
        self.records.push_back((key, record));
        if self.records.len() > RETAINED_PER_PARTITION {
            self.records.pop_front();
            self.base += 1;
        }
    }

    /// The record at `offset`, or the oldest retained one when `offset` fell out of retention,
    /// with the offset it really has.
    fn at(&self, offset: i64) -> Option<(i64, &(Option<String>, Record))> {
        let offset = offset.max(self.base);
        let index = usize::try_from(offset - self.base).ok()?;
        self.records.get(index).map(|record| (offset, record))
    }
}

#[derive(Debug, Default)]
struct State {
    /// Topic name to its partitions.
    topics: HashMap<String, Vec<Partition>>,
    /// (group, topic, partition) to the next offset to read.
    committed: HashMap<(String, String, i32), i64>,
    /// Spreads events without a key over partitions.
    round_robin: usize,
}

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    arrived: Notify,
    /// This bus's name as a log (its offsets start at zero with it).
    log_id: String,
}

impl Default for Shared {
    fn default() -> Self {
        Self {
            state: Mutex::default(),
            arrived: Notify::new(),
            log_id: format!("memory-{}", uuid::Uuid::new_v4().simple()),
        }
    }
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// An event bus inside the process.
#[derive(Debug, Clone, Default)]
pub struct MemoryBus {
    shared: Arc<Shared>,
}

impl MemoryBus {
    /// An empty bus.
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl EventBus for MemoryBus {
    async fn ensure_topic(&self, topic: &str, partitions: i32) -> Result<(), BusError> {
        let count = usize::try_from(partitions)
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| BusError::Rejected(format!("{partitions} partitions")))?;
        self.shared
            .lock()
            .topics
            .entry(topic.to_owned())
            .or_insert_with(|| vec![Partition::default(); count]);
        Ok(())
    }

    async fn apply_topic(&self, spec: &TopicSpec) -> Result<TopicOutcome, BusError> {
        let existing = self.shared.lock().topics.get(&spec.name).map(Vec::len);
        match existing {
            None => {
                self.ensure_topic(&spec.name, spec.partitions).await?;
                Ok(TopicOutcome::Created)
            }
            Some(count) => {
                let found = drift(spec, i32::try_from(count).unwrap_or(i32::MAX), None, None, None);
                Ok(if found.is_empty() {
                    TopicOutcome::Unchanged
                } else {
                    TopicOutcome::Drift(found)
                })
            }
        }
    }

    async fn log_id(&self) -> Result<String, BusError> {
        Ok(self.shared.log_id.clone())
    }

    fn send(&self, events: &[Outgoing]) -> Result<super::Acknowledgements, BusError> {
        {
            let mut state = self.shared.lock();
            // Check every topic first, so a batch is published whole or not at all.
            if let Some(unknown) = events.iter().find(|e| !state.topics.contains_key(&e.topic)) {
                return Err(BusError::Rejected(format!("unknown topic {}", unknown.topic)));
            }
            for event in events {
                let rr = state.round_robin;
                state.round_robin = rr.wrapping_add(1);
                let partitions = state.topics.get(&event.topic).map_or(1, Vec::len);
                let index = match &event.key {
                    Some(key) => {
                        usize::try_from(partition_for_key(key, i32::try_from(partitions).unwrap_or(1))).unwrap_or(0)
                    }
                    None => rr % partitions,
                };
                if let Some(partition) = state.topics.get_mut(&event.topic).and_then(|t| t.get_mut(index)) {
                    partition.push(event.key.clone(), encode(&event.event));
                }
            }
        }
        self.shared.arrived.notify_waiters();
        // Appended to the log already: acknowledged at once.
        Ok(Box::pin(std::future::ready(Ok(()))))
    }

    async fn subscribe_from(
        &self,
        group: &str,
        topics: &[String],
        start: Start,
    ) -> Result<Box<dyn Subscription>, BusError> {
        let state = self.shared.lock();
        let mut positions = Vec::new();
        for topic in topics {
            let partitions = state
                .topics
                .get(topic)
                .ok_or_else(|| BusError::Rejected(format!("unknown topic {topic}")))?;
            for (partition, log) in (0..i32::try_from(partitions.len()).unwrap_or(0)).zip(partitions.iter()) {
                let never = match start {
                    Start::Beginning => 0,
                    Start::End => log.end(),
                };
                let next = state
                    .committed
                    .get(&(group.to_owned(), topic.clone(), partition))
                    .copied()
                    .unwrap_or(never);
                positions.push((topic.clone(), partition, next));
            }
        }
        Ok(Box::new(MemorySubscription {
            shared: self.shared.clone(),
            group: group.to_owned(),
            positions,
            cursor: 0,
        }))
    }
}

/// A member of a consumer group on the memory bus.
#[derive(Debug)]
struct MemorySubscription {
    shared: Arc<Shared>,
    group: String,
    /// (topic, partition, next offset to deliver).
    positions: Vec<(String, i32, i64)>,
    /// Where the fair scan over partitions starts next time.
    cursor: usize,
}

impl MemorySubscription {
    fn poll(&mut self) -> Option<Delivery> {
        let state = self.shared.lock();
        let count = self.positions.len();
        for step in 0..count {
            let index = (self.cursor + step) % count;
            let (topic, partition, next) = &mut self.positions[index];
            let stored = state
                .topics
                .get(topic.as_str())
                .and_then(|t| t.get(usize::try_from(*partition).ok()?));
            let Some((offset, (key, record))) = stored.and_then(|p| p.at(*next)) else {
                continue;
            };
            let delivery = Delivery {
                topic: topic.clone(),
                partition: *partition,
                offset,
                key: key.clone(),
                size: record.value.len(),
                event: decode(record),
            };
            *next = offset + 1;
            self.cursor = index + 1;
            return Some(delivery);
        }
        None
    }
}

#[async_trait]
impl Subscription for MemorySubscription {
    async fn next(&mut self) -> Result<Delivery, BusError> {
        loop {
            let shared = self.shared.clone();
            let arrived = shared.arrived.notified();
            tokio::pin!(arrived);
            arrived.as_mut().enable();
            if let Some(delivery) = self.poll() {
                return Ok(delivery);
            }
            arrived.await;
        }
    }

    async fn commit(&mut self, delivery: &Delivery) -> Result<(), BusError> {
        let mut state = self.shared.lock();
        let key = (self.group.clone(), delivery.topic.clone(), delivery.partition);
        let next = delivery.offset + 1;
        let entry = state.committed.entry(key).or_insert(0);
        *entry = (*entry).max(next);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partition_keeps_its_newest_records_with_their_offsets() {
        let mut partition = Partition::default();
        for _ in 0..RETAINED_PER_PARTITION + 5 {
            partition.push(None, Record::default());
        }
        assert_eq!(partition.records.len(), RETAINED_PER_PARTITION);
        assert_eq!(partition.base, 5);
        assert_eq!(
            partition.at(0).map(|(offset, _)| offset),
            Some(5),
            "a lagging reader continues at the oldest"
        );
        assert_eq!(partition.at(7).map(|(offset, _)| offset), Some(7));
        assert!(
            partition
                .at(i64::try_from(RETAINED_PER_PARTITION).expect("fits") + 5)
                .is_none()
        );
    }
}
