//! Failure test: the broker stops while task-api keeps taking writes, then comes back. Writes
//! must never fail because of the broker, and every event written during the outage must reach
//! the broker after it returns: the point of the transactional outbox. Runs a private broker
//! (`todo_tests::broker`) on its own port.

use std::sync::Arc;
use std::time::{Duration, Instant};

use cloudevents::event::AttributesReader;
use outbox_relay::RelaySettings;
use serde_json::json;
use todo_kit::auth::mint_hs256;
use todo_kit::bus::{EventBus, KafkaBus};
use todo_testing::TestDatabase;
use todo_tests::RunningRelays;
use todo_tests::broker::{Broker, Storage};
use todo_tests::processes::free_port;

const SECRET: &str = "outage-test-secret-0123456789abcdef";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_survive_a_broker_outage_and_their_events_arrive_after_it() {
    // Arrange: task-api on PostgreSQL, a relay to a private broker.
    if std::env::var_os("TEST_LOG").is_some() {
        todo_kit::telemetry::init("outage-test");
    }
    let port = free_port();
    let mut broker = Broker::start(port, Storage::Memory);
    let db = TestDatabase::postgres().await;
    let store = todo_tasks::store::connect(db.url()).await.expect("store");
    let api = todo_tests::serve_task_api(store.clone(), SECRET).await;
    let brokers = format!("127.0.0.1:{port}");
    let bus: Arc<dyn EventBus> =
        Arc::new(KafkaBus::connect_with_timeout(&brokers, 1, Duration::from_secs(3)).expect("kafka"));
    let relay = outbox_relay::task_relay(
        store.clone(),
        bus.clone(),
        RelaySettings {
            poll: Duration::from_millis(200),
            ..RelaySettings::default()
        },
    );
    relay.ensure_topics().await.expect("topics");
    let running = RunningRelays::start(vec![relay]);

    let client = reqwest::Client::new();
    let token = mint_hs256(SECRET.as_bytes(), "alice", Duration::from_secs(600)).expect("token");
    let create = |title: String| {
        let (client, api, token) = (client.clone(), api.clone(), token.clone());
        async move {
            let response = client
                .post(format!("{api}/api/tasks"))
                .bearer_auth(token)
                .json(&json!({ "title": title }))
                .send()
                .await
                .expect("request");
            assert_eq!(
                response.status(),
                reqwest::StatusCode::CREATED,
                "a write failed while the broker was away"
            );
        }
    };
    for i in 0..5 {
        create(format!("before {i}")).await;
    }

    // Act: the broker goes away; writes go on; it comes back (empty: memory storage).
    broker.kill();
    let during_started = Instant::now();
    for i in 0..20 {
        create(format!("during {i}")).await;
    }
    assert!(
        during_started.elapsed() < Duration::from_secs(10),
        "writes waited for the broker"
    );
    let outage_rows: Vec<String> = {
        let pool = sqlx::PgPool::connect(db.url()).await.expect("connect");
        sqlx::query_scalar("SELECT event_id::text FROM outbox WHERE published_at IS NULL ORDER BY id")
            .fetch_all(&pool)
            .await
            .expect("rows")
    };
    assert!(outage_rows.len() >= 20, "the outage writes wait in the outbox");
    tokio::time::sleep(Duration::from_secs(1)).await;
    broker.restart();

    // Assert: the outbox drains, and the outage's events are on the new broker.
    let started = Instant::now();
    while store.pending_count().await.expect("pending") > 0 {
        assert!(started.elapsed() < Duration::from_secs(60), "the relay did not recover");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut member = bus
        .subscribe("outage-checker", &["task-events".to_owned()])
        .await
        .expect("subscribe");
    let mut seen = std::collections::HashSet::new();
    while !outage_rows.iter().all(|id| seen.contains(id)) {
        let delivery = tokio::time::timeout(Duration::from_secs(30), member.next())
            .await
            .expect("events after the outage")
            .expect("delivery");
        seen.insert(delivery.event.expect("event").id().to_owned());
    }
    let _ = running.stop().await;
    broker.kill();
}
