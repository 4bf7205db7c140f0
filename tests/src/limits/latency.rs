//! `limits latency`: the broker's own produce-to-fetch latency, which bounds the relay's
//! end-to-end figure. One bare producer with the relay's settings sends the relay's record at a
//! steady 1,000 a second (`LIMITS_RATE`), each stamped with the time it is sent (`ce_time`, where
//! the relay's events carry the time of their write), and one consumer of the bus (the same
//! member relay_bench measures with, fetch wait from `EVENT_BUS`, e.g.
//! `kafka://host:port?fetch_wait_ms=5`) takes each record's latency on receipt. As in relay_bench
//! the first 3 s are reported apart and the next 10 s are the figure, and the broker first takes
//! as many records as the relay's throughput run left on its broker ([`preload`]).

use std::time::{Duration, Instant};

use anyhow::Context;
use cloudevents::event::{AttributesReader, AttributesWriter};
use rdkafka::producer::FutureProducer;
use todo_kit::bus::EventBus;
use todo_kit::bus::binding::{Record, encode};

use super::env_or;
use super::kafka::{acknowledged, brokers, percentiles, producer, send, settings, template_event, topic};

const WARMUP_SECONDS: u64 = 3;

/// Puts `LIMITS_PRELOAD` records (default 20,000) on a topic of their own first, as the relay's
/// throughput run does before its latency run on the same broker: Tansu's in-memory storage costs
/// more per request as it holds more, so the broker measured holds what the relay's held.
async fn preload(producer: &FutureProducer, bus: &dyn EventBus, record: &Record) -> anyhow::Result<()> {
    let count: usize = env_or("LIMITS_PRELOAD", 20_000);
    let topic = topic(bus, &format!("limits{}.", std::process::id())).await?;
    let mut pending = Vec::with_capacity(count);
    for i in 0..count {
        pending.push(send(producer, &topic, &(i % 1_000).to_string(), record).await?);
    }
    for delivery in pending {
        acknowledged(delivery).await?;
    }
    Ok(())
}

/// Runs the limit and prints its line.
///
/// # Errors
/// When the broker cannot be reached, refuses a record, or records stop arriving.
pub async fn run() -> anyhow::Result<()> {
    let brokers = brokers()?;
    let rate: u64 = env_or("LIMITS_RATE", 1_000);
    let seconds: u64 = env_or("LIMITS_SECONDS", 10);
    let bus_url = std::env::var("EVENT_BUS").unwrap_or_else(|_| format!("kafka://{brokers}"));
    let bus = todo_kit::bus::connect(&bus_url, 1)?;
    let prefix = format!("limits{}l.", std::process::id());
    let topic = topic(bus.as_ref(), &prefix).await?;
    let (config, producer) = producer(&brokers)?;
    let template = template_event();
    preload(&producer, bus.as_ref(), &encode(&template)).await?;
    let mut member = bus
        .subscribe(&format!("{prefix}latency"), std::slice::from_ref(&topic))
        .await?;
    // The consumer has joined its group once it receives a first record.
    acknowledged(send(&producer, &topic, "ready", &encode(&template)).await?).await?;
    member.next().await?;

    let measured_from = chrono::Utc::now() + Duration::from_secs(WARMUP_SECONDS);
    let total = rate * (WARMUP_SECONDS + seconds);
    let sending = {
        let topic = topic.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / rate.max(1)));
            let mut pending = Vec::new();
            for i in 0..total {
                tick.tick().await;
                let mut event = template.clone();
                event.set_id(uuid::Uuid::new_v4().to_string());
                event.set_time(Some(chrono::Utc::now()));
                pending.push(send(&producer, &topic, &(i % 1_000).to_string(), &encode(&event)).await?);
            }
            for delivery in pending {
                acknowledged(delivery).await?;
            }
            anyhow::Ok(())
        })
    };
    let expected = usize::try_from(total).unwrap_or(usize::MAX);
    let (mut warmup, mut measured) = (Vec::new(), Vec::with_capacity(expected));
    let deadline = Instant::now() + Duration::from_secs(WARMUP_SECONDS + seconds + 30);
    while warmup.len() + measured.len() < expected && Instant::now() < deadline {
        let Ok(delivery) = tokio::time::timeout(Duration::from_secs(5), member.next()).await else {
            break;
        };
        let event = delivery?.event.map_err(anyhow::Error::msg)?;
        let time = *event.time().context("a record without ce_time")?;
        let latency = (chrono::Utc::now() - time).num_microseconds().unwrap_or(0);
        if time < measured_from {
            warmup.push(latency);
        } else {
            measured.push(latency);
        }
    }
    sending.await??;
    let received = warmup.len() + measured.len();
    anyhow::ensure!(received == expected, "{received} of {expected} records arrived");
    let (p50, p99) = percentiles(&measured);
    let (warm_p50, warm_p99) = percentiles(&warmup);
    println!(
        "limits latency p50_ms={p50:.1} p99_ms={p99:.1} messages={} rate={rate} seconds={seconds} warmup_p50_ms={warm_p50:.1} warmup_p99_ms={warm_p99:.1} bus={bus_url} {}",
        measured.len(),
        settings(&config)
    );
    Ok(())
}
