//! The bus contract, case by case.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use cloudevents::Event;
use cloudevents::event::{AttributesWriter, ExtensionValue};
use todo_kit::bus::{Delivery, EventBus, Outgoing, Subscription};

/// Longest wait for one delivery before a case fails instead of hanging.
const WAIT: Duration = Duration::from_secs(30);

fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
}

fn event(key: &str, seq: i64) -> Event {
    let mut event = Event::default();
    event.set_id(uuid::Uuid::now_v7().to_string());
    event.set_source("/tests/bus");
    event.set_type("test.sequenced");
    event.set_subject(Some(format!("key/{key}")));
    event.set_time(Some(Utc::now()));
    event.set_data("application/json", serde_json::json!({ "key": key, "seq": seq }));
    event.set_extension("seq", ExtensionValue::String(seq.to_string()));
    event
}

fn outgoing(topic: &str, key: &str, seq: i64) -> Outgoing {
    Outgoing {
        topic: topic.to_owned(),
        key: Some(key.to_owned()),
        event: event(key, seq),
    }
}

fn seq_of(delivery: &Delivery) -> i64 {
    let event = delivery.event.as_ref().expect("a readable event");
    match event.extension("seq") {
        Some(ExtensionValue::String(s)) => s.parse().expect("seq"),
        other => panic!("no seq extension: {other:?}"),
    }
}

async fn receive(subscription: &mut Box<dyn Subscription>, count: usize) -> Vec<Delivery> {
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let delivery = tokio::time::timeout(WAIT, subscription.next())
            .await
            .unwrap_or_else(|_| panic!("only {} of {count} events arrived", out.len()))
            .expect("delivery");
        out.push(delivery);
    }
    out
}

async fn topic(bus: &Arc<dyn EventBus>, partitions: i32) -> String {
    let name = unique("conformance");
    bus.ensure_topic(&name, partitions).await.expect("create topic");
    bus.ensure_topic(&name, partitions)
        .await
        .expect("creating twice is fine");
    name
}

pub(crate) async fn a_published_event_reaches_a_new_group_unchanged(bus: Arc<dyn EventBus>) {
    let topic = topic(&bus, 3).await;
    let sent = outgoing(&topic, "task-1", 1);
    bus.publish(std::slice::from_ref(&sent)).await.expect("publish");
    let mut member = bus
        .subscribe(&unique("group"), std::slice::from_ref(&topic))
        .await
        .expect("subscribe");
    let got = receive(&mut member, 1).await.remove(0);
    assert_eq!(got.topic, topic);
    assert_eq!(got.key.as_deref(), Some("task-1"));
    assert_eq!(got.event.as_ref().expect("event"), &sent.event);
    assert_eq!(got.partition, todo_kit::bus::partition_for_key("task-1", 3));
}

pub(crate) async fn events_of_one_key_arrive_in_publish_order(bus: Arc<dyn EventBus>) {
    let topic = topic(&bus, 6).await;
    let keys: Vec<String> = (0..10).map(|k| format!("key-{k}")).collect();
    for batch in 0..4 {
        let events: Vec<Outgoing> = (0..50)
            .map(|i| {
                outgoing(
                    &topic,
                    &keys[i % keys.len()],
                    i64::try_from(batch * 50 + i).expect("seq"),
                )
            })
            .collect();
        bus.publish(&events).await.expect("publish");
    }
    let mut member = bus.subscribe(&unique("group"), &[topic]).await.expect("subscribe");
    let deliveries = receive(&mut member, 200).await;
    let mut per_key: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for d in &deliveries {
        per_key.entry(d.key.clone().expect("key")).or_default().push(seq_of(d));
    }
    assert_eq!(per_key.len(), 10);
    for (key, seqs) in per_key {
        assert_eq!(seqs.len(), 20, "{key}");
        assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{key} out of order: {seqs:?}");
    }
}

pub(crate) async fn sends_on_the_way_at_once_keep_each_keys_order(bus: Arc<dyn EventBus>) {
    let topic = topic(&bus, 6).await;
    let keys: Vec<String> = (0..10).map(|k| format!("key-{k}")).collect();
    // Eight batches queued before any acknowledgement is awaited, as the relay does.
    let mut acknowledgements = Vec::new();
    for batch in 0..8 {
        let events: Vec<Outgoing> = (0..25)
            .map(|i| {
                outgoing(
                    &topic,
                    &keys[i % keys.len()],
                    i64::try_from(batch * 25 + i).expect("seq"),
                )
            })
            .collect();
        acknowledgements.push(bus.send(&events).expect("queued"));
    }
    for acknowledged in acknowledgements {
        acknowledged.await.expect("acknowledged");
    }
    let mut member = bus.subscribe(&unique("group"), &[topic]).await.expect("subscribe");
    let deliveries = receive(&mut member, 200).await;
    let mut per_key: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for d in &deliveries {
        per_key.entry(d.key.clone().expect("key")).or_default().push(seq_of(d));
    }
    assert_eq!(per_key.len(), 10);
    for (key, seqs) in per_key {
        assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{key} out of order: {seqs:?}");
    }
    let mut all: Vec<i64> = deliveries.iter().map(seq_of).collect();
    all.sort_unstable();
    assert_eq!(all, (0..200).collect::<Vec<_>>(), "every event once");
}

pub(crate) async fn many_keys_published_in_parallel_all_arrive_once(bus: Arc<dyn EventBus>) {
    let topic = topic(&bus, 6).await;
    let publishers = (0..4).map(|p| {
        let bus = bus.clone();
        let topic = topic.clone();
        tokio::spawn(async move {
            for i in 0..25 {
                let seq = p * 100 + i;
                bus.publish(&[outgoing(&topic, &format!("k{seq}"), seq)])
                    .await
                    .expect("publish");
            }
        })
    });
    for publisher in publishers.collect::<Vec<_>>() {
        publisher.await.expect("publisher");
    }
    let mut member = bus.subscribe(&unique("group"), &[topic]).await.expect("subscribe");
    let seqs: Vec<i64> = receive(&mut member, 100).await.iter().map(seq_of).collect();
    let unique_seqs: BTreeSet<i64> = seqs.iter().copied().collect();
    assert_eq!(unique_seqs.len(), 100, "duplicates in {seqs:?}");
    let extra = tokio::time::timeout(Duration::from_millis(500), member.next()).await;
    assert!(extra.is_err(), "an extra delivery arrived: {extra:?}");
}

pub(crate) async fn a_restarted_member_resumes_after_the_last_commit(bus: Arc<dyn EventBus>) {
    let topic = topic(&bus, 2).await;
    let events: Vec<Outgoing> = (0..10).map(|i| outgoing(&topic, &format!("k{}", i % 4), i)).collect();
    bus.publish(&events).await.expect("publish");
    let group = unique("group");
    let mut first = bus
        .subscribe(&group, std::slice::from_ref(&topic))
        .await
        .expect("subscribe");
    let done = receive(&mut first, 6).await;
    for delivery in &done {
        first.commit(delivery).await.expect("commit");
    }
    drop(first);
    let mut second = bus.subscribe(&group, &[topic]).await.expect("subscribe again");
    let rest = receive(&mut second, 4).await;
    let all: BTreeSet<i64> = done.iter().chain(rest.iter()).map(seq_of).collect();
    assert_eq!(
        all,
        (0..10).collect::<BTreeSet<i64>>(),
        "every event exactly once across the restart"
    );
}

pub(crate) async fn groups_do_not_share_offsets(bus: Arc<dyn EventBus>) {
    let topic = topic(&bus, 1).await;
    bus.publish(&[outgoing(&topic, "k", 1), outgoing(&topic, "k", 2)])
        .await
        .expect("publish");
    let mut a = bus
        .subscribe(&unique("group-a"), std::slice::from_ref(&topic))
        .await
        .expect("a");
    for delivery in receive(&mut a, 2).await {
        a.commit(&delivery).await.expect("commit");
    }
    let mut b = bus.subscribe(&unique("group-b"), &[topic]).await.expect("b");
    let seqs: Vec<i64> = receive(&mut b, 2).await.iter().map(seq_of).collect();
    assert_eq!(seqs, [1, 2]);
}

pub(crate) async fn applying_the_catalog_creates_then_reports_drift(bus: Arc<dyn EventBus>) {
    use todo_kit::bus::topics::{Environment, TopicOutcome, catalog};
    let prefix = format!("{}.", unique("plan"));
    let specs = catalog(Environment::Local, &prefix);
    // One topic exists already, with too few partitions.
    bus.ensure_topic(&specs[0].name, 2).await.expect("create a small topic");
    let mut outcomes = Vec::new();
    for spec in &specs {
        outcomes.push(bus.apply_topic(spec).await.expect("apply"));
    }
    assert!(
        matches!(&outcomes[0], TopicOutcome::Drift(found) if found[0].starts_with("2 partitions")),
        "{outcomes:?}"
    );
    assert!(
        outcomes[1..].iter().all(|o| *o == TopicOutcome::Created),
        "{outcomes:?}"
    );
    for spec in &specs[1..] {
        assert_eq!(
            bus.apply_topic(spec).await.expect("apply again"),
            TopicOutcome::Unchanged,
            "{}",
            spec.name
        );
    }
}

/// The log a bus's offsets count in has a name that stays the same for the bus, so what keeps
/// offsets outside it (the archiver) can tell a new log (a new cluster, a new process's memory bus)
/// from the one it has seen.
pub(crate) async fn the_log_has_a_stable_name(bus: Arc<dyn EventBus>) {
    let first = bus.log_id().await.expect("log id");
    assert!(!first.is_empty());
    assert_eq!(bus.log_id().await.expect("log id again"), first, "stable");
    assert!(
        first.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
        "usable in an object key: {first}"
    );
}

pub(crate) async fn a_new_group_from_the_end_reads_only_what_comes_after_it_joined(bus: Arc<dyn EventBus>) {
    use todo_kit::bus::Start;
    let topic = topic(&bus, 2).await;
    let before: Vec<Outgoing> = (0..4).map(|i| outgoing(&topic, &format!("k{i}"), i)).collect();
    bus.publish(&before).await.expect("publish before");
    let mut member = bus
        .subscribe_from(&unique("group"), std::slice::from_ref(&topic), Start::End)
        .await
        .expect("subscribe");
    // Kafka places a new member at the end only once it is assigned its partitions, so events
    // keep coming until one arrives: whatever arrives must be from after the join.
    let mut seq = 100;
    let first = loop {
        bus.publish(&[outgoing(&topic, "after", seq)])
            .await
            .expect("publish after");
        if let Ok(delivery) = tokio::time::timeout(Duration::from_millis(500), member.next()).await {
            break delivery.expect("delivery");
        }
        seq += 1;
        assert!(seq < 100 + 60, "nothing published after the join arrived");
    };
    assert!(
        seq_of(&first) >= 100,
        "a new group from the end read {} from before it joined",
        seq_of(&first)
    );
}
