//! What the two broker limits share: the relay's record and producer. The record is the one the
//! relay publishes in relay_bench (a `task.created` of a task titled "template", in the CloudEvents
//! binary binding the bus writes), the producer is librdkafka with the bus's own configuration
//! (`KafkaBus::producer_config`: acks=all, idempotence, lz4, linger 0, murmur2 keys), and the topic
//! has task-events' partitions, created as the relay creates its topics.

use std::time::Duration;

use anyhow::Context;
use cloudevents::Event;
use rdkafka::ClientConfig;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{DeliveryFuture, FutureProducer, FutureRecord};
use todo_domain::{Mutation, TaskDraft, WriteContext};
use todo_events::{EventMetadata, Topic};
use todo_kit::bus::binding::Record;
use todo_kit::bus::{EventBus, KafkaBus, KafkaSecurity};
use todo_kit::percentile::Sorted;

/// The brokers of `KAFKA_BROKERS`.
///
/// # Errors
/// When it is not set.
pub fn brokers() -> anyhow::Result<String> {
    std::env::var("KAFKA_BROKERS").context("KAFKA_BROKERS is not set")
}

/// The relay's producer configuration, and a producer made from it.
///
/// # Errors
/// When librdkafka refuses the configuration.
pub fn producer(brokers: &str) -> anyhow::Result<(ClientConfig, FutureProducer)> {
    let config = KafkaBus::producer_config(brokers, Duration::from_secs(30), &KafkaSecurity::plaintext());
    let producer = config.create().context("Failed to create the producer")?;
    Ok((config, producer))
}

/// The producer settings the report shows, as librdkafka was given them.
pub fn settings(config: &ClientConfig) -> String {
    ["acks", "enable.idempotence", "compression.type", "linger.ms"]
        .iter()
        .map(|key| format!("{}={}", key.replace('.', "_"), config.get(key).unwrap_or("default")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A fresh topic named `prefix` + task-events, with task-events' partitions.
///
/// # Errors
/// When the broker refuses it.
pub async fn topic(bus: &dyn EventBus, prefix: &str) -> anyhow::Result<String> {
    let topic = format!("{prefix}{}", Topic::TaskEvents.name());
    bus.ensure_topic(&topic, Topic::TaskEvents.partitions()).await?;
    Ok(topic)
}

/// The CloudEvent relay_bench's outbox rows carry.
///
/// # Panics
/// When the domain refuses the draft (it never does).
pub fn template_event() -> Event {
    let ctx = WriteContext::new("bench", "/functions/task-api", EventMetadata::default());
    let draft = TaskDraft {
        title: "template".into(),
        ..TaskDraft::default()
    };
    let task = draft
        .validate()
        .expect("a valid draft")
        .into_task(1, &ctx.user_id, ctx.now);
    let mutation = Mutation::created(task, &ctx);
    mutation.events[0].to_cloudevent()
}

/// Queues `record` under `key`, waiting while librdkafka's queue is full; what resolves on its
/// acknowledgement.
///
/// # Errors
/// When the producer refuses the record for another reason.
pub async fn send(
    producer: &FutureProducer,
    topic: &str,
    key: &str,
    record: &Record,
) -> anyhow::Result<DeliveryFuture> {
    loop {
        let headers = record.kafka_headers();
        let message = FutureRecord::<str, [u8]>::to(topic)
            .key(key)
            .payload(record.value.as_slice())
            .headers(headers);
        match producer.send_result(message) {
            Ok(delivery) => return Ok(delivery),
            Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), _)) => {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            Err((error, _)) => return Err(error.into()),
        }
    }
}

/// Waits for an acknowledgement.
///
/// # Errors
/// When the broker did not acknowledge the record.
pub async fn acknowledged(delivery: DeliveryFuture) -> anyhow::Result<()> {
    match delivery.await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err((error, _))) => Err(error.into()),
        Err(_) => anyhow::bail!("the producer went away before the broker answered"),
    }
}

/// The p50 and p99 of `micros` in milliseconds (0 without samples).
pub fn percentiles(micros: &[i64]) -> (f64, f64) {
    let sorted = Sorted::of_integers(micros);
    let ms = |p: f64| sorted.percentile(p).unwrap_or(0.0) / 1000.0;
    (ms(0.5), ms(0.99))
}
