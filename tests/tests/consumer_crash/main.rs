//! Failure test: a Kafka-pull consumer process is killed with SIGKILL mid-batch and restarted.
//! Every event's effect must be applied exactly once: redelivered events (after the last commit)
//! are recognised by the idempotency records written with their effects.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use sqlx::PgPool;
use todo_events::{DomainEvent, EventMetadata, EventPayload, TaskDeleted};
use todo_kit::bus::Outgoing;
use todo_testing::TestDatabase;

const CONSUMER: &str = env!("CARGO_BIN_EXE_counting-consumer");
const EVENTS: i64 = 400;

fn start(database_url: &str, brokers: &str, topic: &str, dead: &str) -> Child {
    Command::new(CONSUMER)
        .env("DATABASE_URL", database_url)
        .env("KAFKA_BROKERS", brokers)
        .env("TOPIC", topic)
        .env("DEAD_LETTER_TOPIC", dead)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start the consumer")
}

async fn effects(pool: &PgPool) -> (i64, i64) {
    sqlx::query_as("SELECT count(*), count(DISTINCT event_id) FROM effects")
        .fetch_one(pool)
        .await
        .unwrap_or((0, 0))
}

async fn wait_for(pool: &PgPool, done: impl Fn(i64) -> bool, limit: Duration) -> i64 {
    let started = Instant::now();
    loop {
        let (total, _) = effects(pool).await;
        if done(total) || started.elapsed() > limit {
            return total;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_killed_mid_batch_applies_every_effect_exactly_once() {
    // Arrange: 400 events on a fresh topic.
    let brokers = todo_tests::kafka_brokers();
    let bus = todo_kit::bus::connect(&format!("kafka://{brokers}"), 1).expect("kafka");
    let prefix = format!("cc{}.", uuid::Uuid::new_v4().simple());
    let (topic, dead) = (format!("{prefix}task-events"), format!("{prefix}dead-letter"));
    bus.ensure_topic(&topic, 3).await.expect("topic");
    bus.ensure_topic(&dead, 1).await.expect("dead-letter");
    let events: Vec<Outgoing> = (1..=EVENTS)
        .map(|id| {
            let payload = EventPayload::TaskDeleted(TaskDeleted {
                task_id: id,
                deletion_reason: None,
            });
            let event = DomainEvent::new("/functions/task-api", Utc::now(), EventMetadata::default(), payload);
            Outgoing {
                topic: topic.clone(),
                key: Some(id.to_string()),
                event: event.to_cloudevent(),
            }
        })
        .collect();
    bus.publish(&events).await.expect("publish");
    let db = TestDatabase::postgres().await;
    let pool = PgPool::connect(db.url()).await.expect("connect");

    // Act: kill -9 the consumer three times while it works, then let a last one finish.
    let mut progress = 0;
    for _ in 0..3 {
        let mut consumer = start(db.url(), &brokers, &topic, &dead);
        let target = progress + 60;
        progress = wait_for(&pool, |n| n >= target, Duration::from_secs(60)).await;
        consumer.kill().expect("SIGKILL");
        consumer.wait().expect("reap");
        assert!(progress < EVENTS, "the consumer finished before it could be killed");
    }
    let mut consumer = start(db.url(), &brokers, &topic, &dead);
    let total = wait_for(&pool, |n| n >= EVENTS, Duration::from_secs(90)).await;
    // Give a duplicate effect, if the helper failed, the chance to show up.
    tokio::time::sleep(Duration::from_millis(500)).await;
    consumer.kill().expect("stop");
    consumer.wait().expect("reap");

    // Assert: every event once, none twice.
    assert!(total >= EVENTS, "only {total} of {EVENTS} effects");
    assert_eq!(
        effects(&pool).await,
        (EVENTS, EVENTS),
        "each event's effect exactly once"
    );
}
