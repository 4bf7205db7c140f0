//! The outbox relay end to end: task writes in a store, the relay, and a consumer group on the
//! bus. Runs on SQLite with the in-memory bus, and on PostgreSQL with a Kafka-protocol broker
//! (`scripts/tansu.sh`). Each test publishes under its own topic prefix, so runs do not mix.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use cloudevents::event::AttributesReader;
use outbox_relay::{Relay, RelaySettings, Step};
use todo_domain::{PatchField, TaskDraft, TaskPatchDraft, WriteContext};
use todo_events::EventMetadata;
use todo_kit::bus::{Delivery, EventBus, Subscription};
use todo_tasks::store::TaskStore;
use todo_testing::TestDatabase;
use todo_tests::RunningRelays;

/// An outbox row as the test checks it: position, CloudEvent id, partition key.
#[derive(Debug, Clone, sqlx::FromRow)]
struct Row {
    id: i64,
    event_id: String,
    partition_key: Option<String>,
}

struct Setup {
    store: Arc<dyn TaskStore>,
    url: String,
    bus: Arc<dyn EventBus>,
    prefix: String,
    _db: TestDatabase,
}

async fn sqlite_and_memory() -> Setup {
    let db = TestDatabase::sqlite();
    let store = todo_tasks::store::connect(db.url()).await.expect("store");
    Setup {
        store,
        url: db.url().to_owned(),
        bus: Arc::new(todo_kit::bus::MemoryBus::new()),
        prefix: prefix(),
        _db: db,
    }
}

async fn postgres_and_kafka() -> Setup {
    let db = TestDatabase::postgres().await;
    let store = todo_tasks::store::connect(db.url()).await.expect("store");
    let brokers = todo_tests::kafka_brokers();
    let bus = todo_kit::bus::connect(&format!("kafka://{brokers}"), 1).expect("kafka");
    Setup {
        store,
        url: db.url().to_owned(),
        bus,
        prefix: prefix(),
        _db: db,
    }
}

fn prefix() -> String {
    format!("t{}.", uuid::Uuid::new_v4().simple())
}

impl Setup {
    fn relay(&self) -> Relay {
        self.relay_with(25, RelaySettings::default().in_flight)
    }

    /// A relay with batches of `batch_size` and up to `in_flight` of them on the way at once.
    fn relay_with(&self, batch_size: i64, in_flight: usize) -> Relay {
        let settings = RelaySettings {
            batch_size,
            in_flight,
            poll: Duration::from_millis(200),
            topic_prefix: self.prefix.clone(),
            ..RelaySettings::default()
        };
        outbox_relay::task_relay(self.store.clone(), self.bus.clone(), settings)
    }

    async fn subscribe(&self, topics: &[&str]) -> Box<dyn Subscription> {
        let topics: Vec<String> = topics.iter().map(|t| format!("{}{t}", self.prefix)).collect();
        self.bus
            .subscribe(&format!("{}test", self.prefix), &topics)
            .await
            .expect("subscribe")
    }

    /// Every outbox row, published or not, in write order.
    async fn all_rows(&self) -> Vec<Row> {
        let sql = "SELECT id, CAST(event_id AS TEXT) AS event_id, partition_key FROM outbox ORDER BY id";
        if self.url.starts_with("postgres") {
            let pool = sqlx::PgPool::connect(&self.url).await.expect("connect");
            sqlx::query_as(sql).fetch_all(&pool).await.expect("rows")
        } else {
            let pool = sqlx::SqlitePool::connect(&self.url).await.expect("connect");
            sqlx::query_as(sql).fetch_all(&pool).await.expect("rows")
        }
    }

    /// Writes `tasks` tasks and a few changes of each; returns every outbox row, in write order.
    async fn workload(&self, tasks: usize) -> Vec<Row> {
        write_tasks(self.store.as_ref(), "alice", tasks).await;
        self.all_rows().await
    }
}

/// Writes `tasks` tasks of `user` and a few changes of each.
async fn write_tasks(store: &dyn TaskStore, user: &str, tasks: usize) {
    let ctx = WriteContext::new(user, "/functions/task-api", EventMetadata::default());
    for i in 0..tasks {
        let task = store
            .create(
                &ctx,
                TaskDraft {
                    title: format!("task {i}"),
                    ..TaskDraft::default()
                }
                .validate()
                .expect("draft"),
            )
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

async fn receive(member: &mut Box<dyn Subscription>, count: usize) -> Vec<Delivery> {
    let mut out = Vec::new();
    while out.len() < count {
        let delivery = tokio::time::timeout(Duration::from_secs(30), member.next())
            .await
            .unwrap_or_else(|_| panic!("only {} of {count} events arrived", out.len()))
            .expect("delivery");
        out.push(delivery);
    }
    out
}

/// Every row arrives once, as the CloudEvent it stores, and rows of one task keep their order.
fn assert_delivered_once_in_order(rows: &[Row], deliveries: &[Delivery]) {
    let ids: Vec<String> = deliveries
        .iter()
        .map(|d| d.event.as_ref().expect("event").id().to_owned())
        .collect();
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "duplicates");
    let expected: BTreeSet<String> = rows.iter().map(|r| r.event_id.clone()).collect();
    assert_eq!(unique.into_iter().cloned().collect::<BTreeSet<_>>(), expected);
    let position: BTreeMap<String, i64> = rows.iter().map(|r| (r.event_id.clone(), r.id)).collect();
    let mut per_key: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for d in deliveries {
        per_key
            .entry(d.key.clone().expect("key"))
            .or_default()
            .push(position[d.event.as_ref().expect("event").id()]);
    }
    for (key, order) in per_key {
        assert!(order.windows(2).all(|w| w[0] < w[1]), "task {key} reordered: {order:?}");
    }
}

async fn every_change_reaches_the_bus_once_in_order(setup: Setup) {
    let relay = setup.relay();
    relay.ensure_topics().await.expect("topics");
    let rows = setup.workload(6).await;
    assert_eq!(rows.len(), 30);
    let mut steps = 0;
    while relay.step().await.expect("step") != Step::Idle {
        steps += 1;
        assert!(steps < 10, "the relay does not finish");
    }
    assert_eq!(setup.store.pending_count().await.expect("count"), 0);
    let mut member = setup.subscribe(&["task-events"]).await;
    let deliveries = receive(&mut member, rows.len()).await;
    assert_delivered_once_in_order(&rows, &deliveries);
    let first = deliveries
        .iter()
        .find(|d| d.key.as_deref() == Some(&rows[0].partition_key.clone().expect("key")))
        .expect("first task");
    assert_eq!(first.event.as_ref().expect("event").ty(), "task.created");
}

impl Setup {
    /// Waits (up to 30 s) until nothing is pending in the outbox.
    async fn wait_until_drained(&self, failure: &str) {
        for _ in 0..300 {
            if self.store.pending_count().await.expect("count") == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(self.store.pending_count().await.expect("count"), 0, "{failure}");
    }

    /// Reads task-events from the start: every row once, in order per task, and nothing more.
    async fn assert_bus_holds_each_row_once(&self, rows: &[Row]) {
        let mut member = self.subscribe(&["task-events"]).await;
        let deliveries = receive(&mut member, rows.len()).await;
        assert_delivered_once_in_order(rows, &deliveries);
        let extra = tokio::time::timeout(Duration::from_millis(500), member.next()).await;
        assert!(extra.is_err(), "a row was published twice");
    }
}

async fn two_relays_publish_every_row_once_in_order(setup: Setup) {
    let mut relays = Vec::new();
    for _ in 0..2 {
        let relay = setup.relay();
        relay.ensure_topics().await.expect("topics");
        relays.push(relay);
    }
    let running = RunningRelays::start(relays);
    let rows = setup.workload(10).await;
    setup.wait_until_drained("the relays did not drain the outbox").await;
    assert!(running.stop().await, "the relays stop within 10 s");
    setup.assert_bus_holds_each_row_once(&rows).await;
}

/// Many small batches with four on the way at once, and writers still committing while the relay
/// claims (on PostgreSQL a row may commit after a younger one was claimed): every row once, and
/// in write order per task.
async fn batches_on_the_way_at_once_keep_every_key_in_order(setup: Setup) {
    let relay = setup.relay_with(7, 4);
    relay.ensure_topics().await.expect("topics");
    let backlog = setup.workload(20).await;
    assert_eq!(
        relay.step().await.expect("step"),
        Step::Published(backlog.len()),
        "one step publishes the whole backlog"
    );
    let running = RunningRelays::start(vec![relay]);
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let store = setup.store.clone();
            tokio::spawn(async move { write_tasks(store.as_ref(), &format!("writer{w}"), 10).await })
        })
        .collect();
    for writer in writers {
        writer.await.expect("writer");
    }
    let rows = setup.all_rows().await;
    assert_eq!(rows.len(), backlog.len() + 4 * 10 * 5);
    setup.wait_until_drained("the relay did not drain the outbox").await;
    assert!(running.stop().await, "the relays stop within 10 s");
    setup.assert_bus_holds_each_row_once(&rows).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_and_memory_batches_on_the_way_at_once_keep_every_key_in_order() {
    batches_on_the_way_at_once_keep_every_key_in_order(sqlite_and_memory().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_and_kafka_batches_on_the_way_at_once_keep_every_key_in_order() {
    batches_on_the_way_at_once_keep_every_key_in_order(postgres_and_kafka().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_and_memory_every_change_reaches_the_bus_once_in_order() {
    every_change_reaches_the_bus_once_in_order(sqlite_and_memory().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_and_kafka_every_change_reaches_the_bus_once_in_order() {
    every_change_reaches_the_bus_once_in_order(postgres_and_kafka().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_and_kafka_two_relays_publish_every_row_once_in_order() {
    two_relays_publish_every_row_once_in_order(postgres_and_kafka().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_and_memory_two_relays_publish_every_row_once_in_order() {
    two_relays_publish_every_row_once_in_order(sqlite_and_memory().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_outbox_row_goes_to_dead_letter_and_blocks_nothing() {
    let setup = sqlite_and_memory().await;
    let relay = setup.relay();
    relay.ensure_topics().await.expect("topics");
    let rows = setup.workload(2).await;
    let pool = sqlx::SqlitePool::connect(&setup.url).await.expect("connect");
    sqlx::query("UPDATE outbox SET event_data = '{\"not\": \"a cloudevent\"}' WHERE id = ?1")
        .bind(rows[0].id)
        .execute(&pool)
        .await
        .expect("corrupt a row");
    while relay.step().await.expect("step") != Step::Idle {}
    assert_eq!(setup.store.pending_count().await.expect("count"), 0);
    let mut dead = setup.subscribe(&["dead-letter"]).await;
    let letter = receive(&mut dead, 1).await.remove(0);
    let event = letter.event.expect("an event");
    assert_eq!(event.ty(), "outbox.unreadable");
    assert_eq!(event.id(), rows[0].event_id);
    let mut tasks = setup.subscribe(&["task-events"]).await;
    assert_eq!(receive(&mut tasks, rows.len() - 1).await.len(), rows.len() - 1);
}
