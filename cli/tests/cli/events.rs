//! `todo serve` publishes every change through its outbox relay: to the in-process bus by default,
//! to Kafka with `--bus kafka://...` (`EVENT_BUS`).

use std::time::Duration;

use cloudevents::event::AttributesReader;

use crate::harness::Platform;

async fn pending(platform: &Platform) -> i64 {
    let url = format!("sqlite://{}", platform.data_dir.join("todo.db").display());
    let store = todo_tasks::store::connect(&url).await.expect("open the serve database");
    store.pending_count().await.expect("pending")
}

pub(crate) async fn the_embedded_relay_drains_the_outbox() {
    let platform = Platform::start(None);
    platform.ok(&["add", "publish me"]);
    platform.ok(&["done", "1"]);
    for _ in 0..100 {
        if pending(&platform).await == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the outbox still has {} pending events", pending(&platform).await);
}

pub(crate) async fn with_kafka_every_change_reaches_the_topic() {
    let brokers = std::env::var("KAFKA_BROKERS").unwrap_or_else(|_| "127.0.0.1:19092".into());
    assert!(
        std::net::TcpStream::connect(&brokers).is_ok(),
        "no broker at {brokers}: run `bash scripts/tansu.sh`"
    );
    let prefix = format!("cli{}.", std::process::id());
    let bus_url = format!("kafka://{brokers}");
    let platform = Platform::start_with(None, &[("EVENT_BUS", &bus_url), ("TOPIC_PREFIX", &prefix)]);
    platform.ok(&["add", "to kafka", "--tag", "events"]);
    platform.ok(&["done", "1"]);
    let bus = todo_kit::bus::connect(&bus_url, 1).expect("kafka");
    let topic = format!("{prefix}task-events");
    for _ in 0..100 {
        if bus.ensure_topic(&topic, 6).await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut member = bus
        .subscribe(&format!("{prefix}reader"), &[topic])
        .await
        .expect("subscribe");
    let mut types = Vec::new();
    while types.len() < 2 {
        let delivery = tokio::time::timeout(Duration::from_secs(30), member.next())
            .await
            .expect("an event in time")
            .expect("delivery");
        let event = delivery.event.expect("a CloudEvent");
        assert_eq!(event.subject(), Some("task/1"));
        types.push(event.ty().to_owned());
    }
    assert_eq!(types, ["task.created", "task.completed"]);
}
