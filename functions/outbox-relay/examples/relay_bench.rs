//! Benchmark of the Kafka path (run by `make bench`): how many events one relay publishes per
//! second from a full outbox, and the end-to-end latency from a task write to a consumer at a
//! steady 1,000 events/s. Needs `DATABASE_URL` (an empty PostgreSQL database) and `KAFKA_BROKERS`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use cloudevents::event::AttributesReader;
use outbox_relay::{Relay, RelaySettings, Step};
use todo_events::EventMetadata;
use todo_kit::bus::EventBus;
use todo_tasks::domain::{TaskDraft, WriteContext};
use todo_tasks::store::TaskStore;

const BACKLOG: i64 = 20_000;
const RATE: u64 = 1_000;
const SECONDS: u64 = 10;

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"))
}

async fn create(store: &dyn TaskStore, title: String) {
    let ctx = WriteContext::new("bench", "/functions/task-api", EventMetadata::default());
    let draft = TaskDraft {
        title,
        ..TaskDraft::default()
    };
    store
        .create(&ctx, draft.validate().expect("draft"))
        .await
        .expect("create");
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let database_url = env("DATABASE_URL");
    let brokers = env("KAFKA_BROKERS");
    let store = todo_tasks::store::connect(&database_url).await?;
    // EVENT_BUS may add options, e.g. kafka://127.0.0.1:19092?fetch_wait_ms=5.
    let bus_url = std::env::var("EVENT_BUS").unwrap_or_else(|_| format!("kafka://{brokers}"));
    let bus: Arc<dyn EventBus> = todo_kit::bus::connect(&bus_url, 1)?;
    let prefix = format!("bench{}.", std::process::id());
    let batch_size = std::env::var("RELAY_BATCH_SIZE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let in_flight = std::env::var("RELAY_IN_FLIGHT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(RelaySettings::default().in_flight);
    let settings = RelaySettings {
        topic_prefix: prefix.clone(),
        batch_size,
        in_flight,
        ..RelaySettings::default()
    };
    let relay = Relay::new(store.clone(), bus.clone(), settings);
    relay.ensure_topics().await?;

    // Throughput: a backlog of outbox rows (copies of one real event, over 1,000 keys).
    create(store.as_ref(), "template".into()).await;
    let pool = sqlx::PgPool::connect(&database_url).await?;
    sqlx::query(
        "WITH t AS (SELECT * FROM outbox ORDER BY id LIMIT 1),
              u AS (SELECT gen_random_uuid() AS id, g FROM generate_series(1, $1) AS g)
         INSERT INTO outbox (event_id, event_type, topic, partition_key, event_data, created_at)
         SELECT u.id, t.event_type, t.topic, (u.g % 1000)::text, jsonb_set(t.event_data, '{id}', to_jsonb(u.id::text)), now()
         FROM u, t",
    )
    .bind(BACKLOG - 1)
    .execute(&pool)
    .await?;
    let started = Instant::now();
    let mut published = 0;
    while let Step::Published(count) = relay.step().await? {
        published += count;
    }
    let elapsed = started.elapsed();
    let throughput = published as f64 / elapsed.as_secs_f64();

    // Latency: writes at a steady rate while the relay runs; a consumer measures write-to-receipt.
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = {
        let relay = relay.clone();
        tokio::spawn(async move {
            relay
                .run(async {
                    let _ = stopped.await;
                })
                .await
        })
    };
    let mut member = bus
        .subscribe(&format!("{prefix}latency"), &[format!("{prefix}task-events")])
        .await?;
    // Skip the backlog.
    let mut skipped = 0;
    while skipped < BACKLOG {
        member.next().await?;
        skipped += 1;
    }
    // Each writer also keeps how long its writes took: the part of end-to-end that is the write.
    let writers = (0..4_u64).map(|w| {
        let store = store.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_micros(4_000_000 / RATE));
            let mut took = Vec::new();
            for i in 0..(RATE * SECONDS / 4) {
                tick.tick().await;
                let started = Instant::now();
                create(store.as_ref(), format!("w{w} {i}")).await;
                took.push(started.elapsed().as_micros() as i64);
            }
            took
        })
    });
    let writers: Vec<_> = writers.collect();
    let expected = usize::try_from(RATE * SECONDS).unwrap_or(usize::MAX);
    let mut latencies = Vec::with_capacity(expected);
    let deadline = Instant::now() + Duration::from_secs(SECONDS + 30);
    while latencies.len() < expected && Instant::now() < deadline {
        let Ok(Ok(delivery)) = tokio::time::timeout(Duration::from_secs(5), member.next()).await else {
            break;
        };
        let event = delivery.event.map_err(anyhow::Error::msg)?;
        if let Some(time) = event.time() {
            latencies.push((chrono::Utc::now() - *time).num_microseconds().unwrap_or(0));
        }
    }
    let mut writes = Vec::new();
    for writer in writers {
        writes.extend(writer.await?);
    }
    let _ = stop.send(());
    let _ = running.await;
    latencies.sort_unstable();
    writes.sort_unstable();
    let percentile = |sorted: &[i64], p: f64| {
        sorted
            .get(((sorted.len() as f64 - 1.0) * p) as usize)
            .copied()
            .unwrap_or(0) as f64
            / 1000.0
    };
    println!(
        "| relay throughput | {throughput:>8.0} events/s | {published} events in {:.2} s, batches of {batch_size}, {in_flight} in flight |",
        elapsed.as_secs_f64()
    );
    println!(
        "| end-to-end at {RATE}/s | p50 {:>6.1} ms | p99 {:>6.1} ms | {} of {expected} events |",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.len()
    );
    println!(
        "| of which the write | p50 {:>6.1} ms | p99 {:>6.1} ms | {} writes |",
        percentile(&writes, 0.5),
        percentile(&writes, 0.99),
        writes.len()
    );
    Ok(())
}
