//! `limits produce`: how many of the relay's records per second the broker of `KAFKA_BROKERS`
//! takes from one bare producer with the relay's settings ([`super::kafka`]):
//! `LIMITS_MESSAGES` records (default 100,000) over 1,000 keys (relay_bench's key spread), each
//! with an id of its own, all queued at once, timed from the first send to the last
//! acknowledgement. Not relay_bench's 20,000: this producer sends those in 60 to 140 ms, and six
//! runs of that gave 142,000 to 358,000 msgs/s. The records are encoded, and the producer has its metadata and producer id,
//! before the clock starts.

use std::time::Instant;

use cloudevents::event::AttributesWriter;
use todo_kit::bus::binding::{Record, encode};

use super::env_or;
use super::kafka::{acknowledged, brokers, producer, send, settings, template_event, topic};

/// Runs the limit and prints its line.
///
/// # Errors
/// When the broker cannot be reached or refuses a record.
pub async fn run() -> anyhow::Result<()> {
    let brokers = brokers()?;
    let count: usize = env_or("LIMITS_MESSAGES", 100_000);
    let keys: usize = env_or("LIMITS_KEYS", 1_000);
    let bus = todo_kit::bus::connect(&format!("kafka://{brokers}"), 1)?;
    let topic = topic(bus.as_ref(), &format!("limits{}.", std::process::id())).await?;
    let (config, producer) = producer(&brokers)?;
    // Each record with an id of its own, as the relay's rows have (they compress as the relay's do).
    let template = template_event();
    let records: Vec<Record> = (0..count)
        .map(|_| {
            let mut event = template.clone();
            event.set_id(uuid::Uuid::new_v4().to_string());
            encode(&event)
        })
        .collect();
    let record = encode(&template);
    acknowledged(send(&producer, &topic, "warm-up", &record).await?).await?;
    let started = Instant::now();
    let mut pending = Vec::with_capacity(count);
    for (i, record) in records.iter().enumerate() {
        pending.push(send(&producer, &topic, &(i % keys.max(1)).to_string(), record).await?);
    }
    for delivery in pending {
        acknowledged(delivery).await?;
    }
    let seconds = started.elapsed().as_secs_f64();
    let header_bytes: usize = record.headers.iter().map(|(k, v)| k.len() + v.len()).sum();
    println!(
        "limits produce msgs_per_s={:.0} messages={count} seconds={seconds:.2} keys={keys} value_bytes={} header_bytes={header_bytes} {}",
        count as f64 / seconds,
        record.value.len(),
        settings(&config)
    );
    Ok(())
}
