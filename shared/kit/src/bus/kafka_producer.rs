//! The Kafka bus's producer: one idempotent producer shared by every publish, replaced when it
//! fails fatally, and the sending of a batch whose acknowledgements are awaited together, so no
//! record of a failed batch is still in flight when the caller publishes it again.

use std::sync::{Arc, RwLock};

use rdkafka::ClientConfig;
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};

use super::binding::{Record, encode};
use super::kafka::unavailable;
use super::{Acknowledgements, BusError, Outgoing};

/// The producer, replaced when it hits a fatal error (an idempotent producer whose broker forgot it).
pub(super) struct ProducerSlot {
    current: RwLock<FutureProducer>,
    config: ClientConfig,
}

impl ProducerSlot {
    /// Holds `producer`; `config` makes its replacements.
    pub(super) fn new(producer: FutureProducer, config: ClientConfig) -> Self {
        Self {
            current: RwLock::new(producer),
            config,
        }
    }

    pub(super) fn get(&self) -> FutureProducer {
        self.current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Replaces a producer that failed to deliver. librdkafka cannot recover a producer after a
    /// fatal error, and an idempotent producer whose broker lost its state (a restarted broker
    /// without durable storage) times out forever; a new one fetches fresh metadata and a new
    /// producer id. Nothing of the failed batch is in flight any more (every record was awaited),
    /// and the caller sends the batch again.
    fn renew(&self, used: &FutureProducer) {
        if let Some((code, reason)) = used.client().fatal_error() {
            tracing::warn!(?code, %reason, "Kafka producer failed fatally");
        }
        match self.config.create::<FutureProducer>() {
            Ok(fresh) => {
                let old = std::mem::replace(
                    &mut *self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner),
                    fresh,
                );
                // Dropping a producer flushes; keep that off the async workers.
                drop(tokio::task::spawn_blocking(move || drop(old)));
            }
            Err(error) => tracing::error!(%error, "cannot create a new Kafka producer"),
        }
    }

    /// Queues every event (the producer keeps per-partition order), and returns what waits for
    /// their acknowledgements.
    pub(super) fn send(self: &Arc<Self>, events: &[Outgoing]) -> Result<Acknowledgements, BusError> {
        let producer = self.get();
        let mut pending = Vec::with_capacity(events.len());
        for event in events {
            let record = encode(&event.event);
            let headers = record.kafka_headers();
            let mut message = FutureRecord::<str, [u8]>::to(&event.topic)
                .payload(record.value.as_slice())
                .headers(headers);
            if let Some(key) = &event.key {
                message = message.key(key.as_str());
            }
            match producer.send_result(message) {
                Ok(delivery) => pending.push(delivery),
                Err((error, _)) => {
                    // What was queued before stays on its way: wait for it in the background,
                    // so that the producer is renewed only once nothing of this batch travels.
                    let slot = self.clone();
                    let error = unavailable(&error);
                    tokio::spawn(async move {
                        for delivery in pending {
                            let _ = delivery.await;
                        }
                        slot.renew(&producer);
                    });
                    return Err(error);
                }
            }
        }
        let slot = self.clone();
        Ok(Box::pin(async move {
            // Wait for every record, even after a failure: none of this batch may still be in
            // flight when the caller publishes it again, or a retry could overtake it.
            let mut first_error = None;
            for delivery in pending {
                let error = match delivery.await {
                    Ok(Ok(_)) => continue,
                    Ok(Err((error, _))) => unavailable(&error),
                    Err(_) => BusError::Unavailable("the producer was dropped before the broker answered".into()),
                };
                first_error.get_or_insert(error);
            }
            match first_error {
                None => Ok(()),
                Some(error) => {
                    slot.renew(&producer);
                    Err(error)
                }
            }
        }))
    }
}

impl Record {
    /// The record's headers as rdkafka sends them, in order: what the bus publishes, and what a
    /// bare producer measured against it (`make bench`'s `limits produce`) must send too.
    #[must_use]
    pub fn kafka_headers(&self) -> OwnedHeaders {
        self.headers.iter().fold(OwnedHeaders::new(), |headers, (key, value)| {
            headers.insert(Header {
                key: key.as_str(),
                value: Some(value.as_slice()),
            })
        })
    }
}
