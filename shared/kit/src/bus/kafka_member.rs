//! A member of a Kafka consumer group as a [`Subscription`]: it waits through the errors
//! librdkafka recovers from, stores each handled record's offset (committed every second and when
//! it closes), and closes off the async workers when dropped.

use std::sync::Arc;

use async_trait::async_trait;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Headers, Message};
use rdkafka::{Offset, TopicPartitionList};

use super::binding::{Record, decode};
use super::kafka::unavailable;
use super::kafka_lag::LagReporter;
use super::kafka_watch::Watch;
use super::{BusError, Delivery, Subscription};

/// A member of a Kafka consumer group.
pub(super) struct KafkaSubscription {
    consumer: Arc<StreamConsumer<LagReporter>>,
    /// Told when it waits for a record and when one comes, for the liveness probe.
    watch: Arc<Watch>,
}

impl KafkaSubscription {
    /// The member `consumer`, reporting its waits to `watch`.
    pub(super) fn new(consumer: StreamConsumer<LagReporter>, watch: Arc<Watch>) -> Self {
        Self {
            consumer: Arc::new(consumer),
            watch,
        }
    }
}

impl Drop for KafkaSubscription {
    /// Dropping a member closes it: it commits what it stored and leaves its group, polling until
    /// the broker answered or the requests timed out. That blocks, so it happens off the async
    /// workers, which keep serving the process (probes included) meanwhile.
    fn drop(&mut self) {
        let consumer = Arc::clone(&self.consumer);
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            drop(runtime.spawn_blocking(move || drop(consumer)));
        }
    }
}

#[async_trait]
impl Subscription for KafkaSubscription {
    async fn next(&mut self) -> Result<Delivery, BusError> {
        let message = {
            let _waiting = self.watch.waiting();
            loop {
                match self.consumer.recv().await {
                    Ok(message) => break message,
                    // librdkafka reports what it recovers from on its own (all brokers down, a
                    // connection reset, a coordinator moving) as consumer errors. They tell, they
                    // do not end the member: it reconnects, rejoins and fetches again. Starting a
                    // new member instead throws away its session and assignment, and closing the
                    // old one against an absent broker is what left a soak's consumer with no
                    // partitions at all (chaos seed 20261206).
                    Err(KafkaError::MessageConsumption(code)) => {
                        tracing::warn!(group = %self.watch.group(), %code, "Kafka consumer error; the client recovers on its own");
                    }
                    Err(error) => return Err(unavailable(&error)),
                }
            }
        };
        let headers = message
            .headers()
            .map(|h| {
                h.iter()
                    .map(|header| (header.key.to_owned(), header.value.unwrap_or_default().to_vec()))
                    .collect()
            })
            .unwrap_or_default();
        let record = Record {
            headers,
            value: message.payload().unwrap_or_default().to_vec(),
        };
        Ok(Delivery {
            topic: message.topic().to_owned(),
            partition: message.partition(),
            offset: message.offset(),
            key: message.key().map(|k| String::from_utf8_lossy(k).into_owned()),
            size: record.value.len(),
            event: decode(&record),
        })
    }

    async fn commit(&mut self, delivery: &Delivery) -> Result<(), BusError> {
        let mut offsets = TopicPartitionList::new();
        offsets
            .add_partition_offset(&delivery.topic, delivery.partition, Offset::Offset(delivery.offset + 1))
            .map_err(|e| BusError::Rejected(e.to_string()))?;
        match self.consumer.store_offsets(&offsets) {
            Ok(()) => Ok(()),
            // The partition went to another member in a rebalance: it handles the record again
            // from the last committed offset, and the handler's idempotency makes that harmless.
            Err(KafkaError::StoreOffset(RDKafkaErrorCode::State)) => {
                tracing::debug!(
                    topic = %delivery.topic,
                    partition = delivery.partition,
                    "partition no longer assigned; its new owner resumes from the last commit"
                );
                Ok(())
            }
            Err(e) => Err(unavailable(&e)),
        }
    }
}
