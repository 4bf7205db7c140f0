//! Benchmark of the Kafka path (run by `make bench`): how many events one relay publishes per
//! second from a full outbox, and the end-to-end latency from a task write to a consumer at a
//! steady 1,000 events/s (its first seconds reported apart), with how much of it was the write
//! and how much came before the broker's acknowledgement (the rest is the consumer's side). Needs
//! `DATABASE_URL` (an empty PostgreSQL database) and `KAFKA_BROKERS`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use cloudevents::event::AttributesReader;
use outbox_relay::{RelaySettings, Step};
use todo_domain::{TaskDraft, WriteContext};
use todo_events::EventMetadata;
use todo_kit::bus::EventBus;
use todo_kit::percentile::Sorted;
use todo_tasks::store::TaskStore;

/// Outbox rows of the throughput run (`RELAY_BENCH_BACKLOG`; more gives a profiler more to see).
const BACKLOG: i64 = 20_000;
const RATE: u64 = 1_000;
const SECONDS: u64 = 10;
/// The first seconds of the latency run are reported on their own: Tansu's in-memory storage
/// costs more CPU per event as its partitions fill (45 % of a core after 1 s, 70 % after 12 s at
/// the same 1,000 events/s, while the relay and PostgreSQL stay flat), so latency grows over a run.
const WARMUP_SECONDS: u64 = 3;

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
    // Each phase has topics of its own, so the latency run does not start behind the throughput
    // run's backlog.
    let prefix = format!("bench{}.", std::process::id());
    let latency_prefix = format!("bench{}l.", std::process::id());
    let batch_size = std::env::var("RELAY_BATCH_SIZE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(RelaySettings::default().batch_size);
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
    let relay = outbox_relay::task_relay(store.clone(), bus.clone(), settings.clone());
    relay.ensure_topics().await?;

    // Throughput: a backlog of outbox rows (copies of one real event, over 1,000 keys).
    let backlog: i64 = std::env::var("RELAY_BENCH_BACKLOG")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(BACKLOG);
    create(store.as_ref(), "template".into()).await;
    let pool = sqlx::PgPool::connect(&database_url).await?;
    sqlx::query(
        "WITH t AS (SELECT * FROM outbox ORDER BY id LIMIT 1),
              u AS (SELECT gen_random_uuid() AS id, g FROM generate_series(1, $1) AS g)
         INSERT INTO outbox (event_id, event_type, topic, partition_key, event_data, created_at)
         SELECT u.id, t.event_type, t.topic, (u.g % 1000)::text, jsonb_set(t.event_data, '{id}', to_jsonb(u.id::text)), now()
         FROM u, t",
    )
    .bind(backlog - 1)
    .execute(&pool)
    .await?;
    let started = Instant::now();
    let cpu_before = cpu_seconds();
    let mut published = 0;
    while let Step::Published(count) = relay.step().await? {
        published += count;
    }
    let elapsed = started.elapsed();
    let cpu = cpu_seconds() - cpu_before;
    let throughput = published as f64 / elapsed.as_secs_f64();

    // Latency: writes at a steady rate while a relay runs; a consumer measures write-to-receipt.
    // The new relay leads once the first one's session has ended.
    drop(relay);
    let relay = outbox_relay::task_relay(
        store.clone(),
        bus.clone(),
        RelaySettings {
            topic_prefix: latency_prefix.clone(),
            ..settings
        },
    );
    relay.ensure_topics().await?;
    while relay.step().await? == Step::Busy {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
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
        .subscribe(
            &format!("{latency_prefix}latency"),
            &[format!("{latency_prefix}task-events")],
        )
        .await?;
    // The consumer has joined its group once it receives a first event.
    create(store.as_ref(), "ready".into()).await;
    member.next().await?;
    // Each writer also keeps how long its measured writes took: the write's part of end-to-end.
    let measured_from = chrono::Utc::now() + Duration::from_secs(WARMUP_SECONDS);
    let writers = (0..4_u64).map(|w| {
        let store = store.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_micros(4_000_000 / RATE));
            let mut took = Vec::new();
            for i in 0..(RATE * (WARMUP_SECONDS + SECONDS) / 4) {
                tick.tick().await;
                let started = Instant::now();
                create(store.as_ref(), format!("w{w} {i}")).await;
                if i >= RATE * WARMUP_SECONDS / 4 {
                    took.push(started.elapsed().as_micros() as i64);
                }
            }
            took
        })
    });
    let writers: Vec<_> = writers.collect();
    let expected = usize::try_from(RATE * SECONDS).unwrap_or(usize::MAX);
    let expected_warmup = usize::try_from(RATE * WARMUP_SECONDS).unwrap_or(usize::MAX);
    // Split by the event's time, so a write at the boundary may land on either side.
    let mut latencies = Vec::with_capacity(expected);
    let mut warmup = Vec::with_capacity(expected_warmup);
    let deadline = Instant::now() + Duration::from_secs(WARMUP_SECONDS + SECONDS + 30);
    while latencies.len() + warmup.len() < expected + expected_warmup && Instant::now() < deadline {
        let Ok(Ok(delivery)) = tokio::time::timeout(Duration::from_secs(5), member.next()).await else {
            break;
        };
        let event = delivery.event.map_err(anyhow::Error::msg)?;
        if let Some(time) = event.time() {
            let latency = (chrono::Utc::now() - *time).num_microseconds().unwrap_or(0);
            if *time < measured_from {
                warmup.push(latency);
            } else {
                latencies.push(latency);
            }
        }
    }
    let mut writes = Vec::new();
    for writer in writers {
        writes.extend(writer.await?);
    }
    let _ = stop.send(());
    let _ = running.await;
    // The relay's part: from the event's time (taken at the write) to the broker's acknowledgement,
    // which the relay stores as `published_at`.
    let acked: (f64, f64, i64) = sqlx::query_as(
        "WITH lag AS (
           SELECT extract(epoch FROM published_at - (event_data->>'time')::timestamptz) * 1000 AS ms
           FROM outbox
           WHERE published_at IS NOT NULL AND (event_data->>'time')::timestamptz >= $1)
         SELECT coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), 0)::float8,
                coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms), 0)::float8,
                count(*)
         FROM lag",
    )
    .bind(measured_from)
    .fetch_one(&pool)
    .await?;
    println!(
        "| relay throughput | {throughput:>8.0} events/s | {published} events in {:.2} s, batches of {batch_size}, {in_flight} in flight, relay CPU {:.0} % of a core ({:.1} µs per event) |",
        elapsed.as_secs_f64(),
        cpu / elapsed.as_secs_f64() * 100.0,
        cpu * 1e6 / published.max(1) as f64,
    );
    latency_row(
        &format!("end-to-end at {RATE}/s, first {WARMUP_SECONDS} s"),
        &warmup,
        "events",
    );
    latency_row(
        &format!("end-to-end at {RATE}/s, next {SECONDS} s"),
        &latencies,
        "events",
    );
    latency_row("of which the write", &writes, "writes");
    print_row("of which up to the broker's ack", acked.0, acked.1, acked.2, "events");
    Ok(())
}

/// CPU seconds this process has used (user and system), from `/proc/self/stat`; 0 elsewhere.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // The fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i).and_then(|v| v.parse::<f64>().ok()))
        .sum();
    // Linux reports them in clock ticks of 1/100 s (USER_HZ) on every architecture we build for.
    ticks / 100.0
}

/// Prints the p50 and p99 of `micros` (microseconds) in milliseconds.
fn latency_row(label: &str, micros: &[i64], unit: &str) {
    let sorted = Sorted::of_integers(micros);
    let ms = |p: f64| sorted.percentile(p).unwrap_or(0.0) / 1000.0;
    print_row(label, ms(0.5), ms(0.99), micros.len() as i64, unit);
}

fn print_row(label: &str, p50_ms: f64, p99_ms: f64, count: i64, unit: &str) {
    println!("| {label} | p50 {p50_ms:>6.1} ms | p99 {p99_ms:>6.1} ms | {count} {unit} |");
}
