//! Failure test: the relay process is killed with SIGKILL while it publishes, then restarted.
//! Every outbox row must reach Kafka (at least once), and events of one task keep their order.
//! Needs PostgreSQL and a Kafka-protocol broker (`scripts/tansu.sh`, `KAFKA_BROKERS`).

use std::collections::{BTreeMap, HashSet};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cloudevents::event::AttributesReader;
use todo_domain::{PatchField, TaskDraft, TaskPatchDraft, WriteContext};
use todo_events::EventMetadata;
use todo_kit::bus::Subscription;
use todo_tasks::store::TaskStore;
use todo_testing::TestDatabase;

const BINARY: &str = env!("CARGO_BIN_EXE_outbox-relay");

fn brokers() -> String {
    let brokers = std::env::var("KAFKA_BROKERS").unwrap_or_else(|_| "127.0.0.1:19092".into());
    assert!(
        std::net::TcpStream::connect(&brokers).is_ok(),
        "no broker at {brokers}: run `bash scripts/tansu.sh`"
    );
    brokers
}

fn start_relay(database_url: &str, brokers: &str, prefix: &str) -> Child {
    Command::new(BINARY)
        .env("DATABASE_URL", database_url)
        .env("EVENT_BUS", format!("kafka://{brokers}"))
        .env("TOPIC_PREFIX", prefix)
        .env("RELAY_BATCH_SIZE", "20")
        .env("HOST", "127.0.0.1")
        .env("PORT", "0")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start outbox-relay")
}

async fn write_workload(store: &dyn TaskStore, tasks: usize) {
    let ctx = WriteContext::new("alice", "/functions/task-api", EventMetadata::default());
    for i in 0..tasks {
        let draft = TaskDraft {
            title: format!("task {i}"),
            ..TaskDraft::default()
        };
        let task = store
            .create(&ctx, draft.validate().expect("draft"))
            .await
            .expect("create");
        for n in 0..3 {
            let patch = TaskPatchDraft {
                title: PatchField::Value(format!("task {i} v{n}")),
                ..TaskPatchDraft::default()
            };
            store
                .update(&ctx, task.id, None, patch.validate().expect("patch"))
                .await
                .expect("update");
        }
        store.complete(&ctx, task.id, None).await.expect("complete");
    }
}

async fn wait_for_pending(store: &dyn TaskStore, done: impl Fn(i64) -> bool, limit: Duration) -> i64 {
    let started = Instant::now();
    loop {
        let pending = store.pending_count().await.expect("pending");
        if done(pending) || started.elapsed() > limit {
            return pending;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_killed_mid_batch_loses_nothing_and_keeps_key_order() {
    // Arrange: 600 outbox rows of 120 tasks.
    let brokers = brokers();
    let db = TestDatabase::postgres().await;
    let store = todo_tasks::store::connect(db.url()).await.expect("store");
    write_workload(store.as_ref(), 120).await;
    let total = store.pending_count().await.expect("pending");
    assert_eq!(total, 600);
    let rows: Vec<(i64, String, String)> = {
        let pool = sqlx::PgPool::connect(db.url()).await.expect("connect");
        sqlx::query_as("SELECT id, event_id::text, partition_key FROM outbox ORDER BY id")
            .fetch_all(&pool)
            .await
            .expect("rows")
    };
    let prefix = format!("crash{}.", uuid::Uuid::new_v4().simple());

    // Act: kill -9 the relay once it published some batches, then start it again.
    let mut relay = start_relay(db.url(), &brokers, &prefix);
    let at_kill = wait_for_pending(store.as_ref(), |p| p < total - 60, Duration::from_secs(60)).await;
    relay.kill().expect("SIGKILL");
    relay.wait().expect("reap");
    assert!(
        at_kill > 0,
        "the relay finished before it could be killed; use more rows"
    );
    let mut relay = start_relay(db.url(), &brokers, &prefix);
    let left = wait_for_pending(store.as_ref(), |p| p == 0, Duration::from_secs(60)).await;
    relay.kill().expect("stop");
    relay.wait().expect("reap");
    assert_eq!(left, 0, "the restarted relay did not drain the outbox");

    // Assert: every row arrived; per task, first arrivals follow outbox order.
    let bus = todo_kit::bus::connect(&format!("kafka://{brokers}"), 1).expect("kafka");
    let mut member: Box<dyn Subscription> = bus
        .subscribe(&format!("{prefix}checker"), &[format!("{prefix}task-events")])
        .await
        .expect("subscribe");
    let position: BTreeMap<String, i64> = rows.iter().map(|(id, event, _)| (event.clone(), *id)).collect();
    let mut seen = HashSet::new();
    let mut per_key: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    let mut deliveries = 0;
    while seen.len() < rows.len() {
        let delivery = tokio::time::timeout(Duration::from_secs(30), member.next())
            .await
            .unwrap_or_else(|_| panic!("only {} of {} events reached Kafka", seen.len(), rows.len()))
            .expect("delivery");
        deliveries += 1;
        let id = delivery.event.expect("event").id().to_owned();
        if seen.insert(id.clone()) {
            per_key
                .entry(delivery.key.expect("key"))
                .or_default()
                .push(position[&id]);
        }
    }
    for (key, order) in per_key {
        assert!(order.windows(2).all(|w| w[0] < w[1]), "task {key} reordered: {order:?}");
    }
    eprintln!(
        "{} rows, {deliveries} deliveries ({} duplicates from killed batches)",
        rows.len(),
        deliveries - rows.len()
    );
}
