//! Event metrics end to end on SQLite and the in-memory bus: the relay's `outbox_pending`,
//! `outbox_oldest_pending_seconds`, `events_published_total` and `outbox_publish_lag_seconds`, and a
//! consumer's `events_consumed_total` and `events_dead_lettered_total`, read from the relay's
//! `/metrics` route. A test binary of its own, because the gauges are process-wide.

use std::sync::Arc;
use std::time::Duration;
use todo_testing::sample;

use async_trait::async_trait;
use axum::body::Body;
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use outbox_relay::{RelaySettings, Step};
use todo_domain::{TaskDraft, WriteContext};
use todo_events::{DomainEvent, EventMetadata, EventPayload};
use todo_kit::bus::{EventBus, MemoryBus};
use todo_kit::handler::{ConsumeSettings, EventHandler, HandlerError, Outcome, consume};
use todo_testing::TestDatabase;
use tower::ServiceExt;

async fn get(router: &axum::Router, path: &str) -> (StatusCode, String) {
    let response = router
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let body = response.into_body().collect().await.expect("body").to_bytes();
    (status, String::from_utf8(body.to_vec()).expect("utf-8"))
}

/// Poison for the task titled "poison", done for the rest.
struct Picky;

#[async_trait]
impl EventHandler for Picky {
    fn name(&self) -> &str {
        "metrics-test"
    }

    async fn handle(&self, event: &DomainEvent) -> Result<Outcome, HandlerError> {
        match &event.payload {
            EventPayload::TaskCreated(created) if created.title == "poison" => {
                Err(HandlerError::Poison("refused".into()))
            }
            _ => Ok(Outcome::Done),
        }
    }
}

#[tokio::test]
async fn the_relay_and_a_consumer_report_what_they_did() {
    // Arrange: three task writes waiting in the outbox.
    let db = TestDatabase::sqlite();
    let store = todo_tasks::store::connect(db.url()).await.expect("store");
    let bus: Arc<dyn EventBus> = Arc::new(MemoryBus::new());
    let settings = RelaySettings {
        topic_prefix: "m.".into(),
        ..RelaySettings::default()
    };
    let relay = outbox_relay::task_relay(store.clone(), bus.clone(), settings);
    relay.ensure_topics().await.expect("topics");
    let ops = relay.ops_router();
    let ctx = WriteContext::new("alice", "/functions/task-api", EventMetadata::default());
    for title in ["one", "poison", "three"] {
        let draft = TaskDraft {
            title: title.into(),
            ..TaskDraft::default()
        };
        store
            .create(&ctx, draft.validate().expect("valid"))
            .await
            .expect("create");
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
    let relay_label = [("service", "outbox-relay")];

    // Act: sample the backlog, publish, sample again.
    relay.sample_backlog().await.expect("sample");
    let (ready, _) = get(&ops, "/readyz").await;
    let (_, before) = get(&ops, "/metrics").await;
    assert_eq!(relay.step().await.expect("step"), Step::Published(3));
    relay.sample_backlog().await.expect("sample");
    let (_, after) = get(&ops, "/metrics").await;

    // Assert: the relay's metrics.
    assert_eq!(ready, StatusCode::OK);
    assert_eq!(sample(&before, "outbox_pending", &relay_label), 3.0);
    assert!(sample(&before, "outbox_oldest_pending_seconds", &relay_label) >= 0.02);
    assert_eq!(sample(&after, "outbox_pending", &relay_label), 0.0);
    assert_eq!(sample(&after, "outbox_oldest_pending_seconds", &relay_label), 0.0);
    let published = [
        ("service", "outbox-relay"),
        ("topic", "m.task-events"),
        ("type", "task.created"),
    ];
    assert_eq!(sample(&after, "events_published_total", &published), 3.0);
    assert_eq!(sample(&after, "outbox_publish_lag_seconds_count", &relay_label), 3.0);
    assert!(sample(&after, "outbox_publish_lag_seconds_sum", &relay_label) >= 3.0 * 0.02);

    // Act: a consumer handles the three events.
    let stop = Arc::new(tokio::sync::Notify::new());
    let consumer = {
        let (bus, stop) = (bus.clone(), stop.clone());
        tokio::spawn(async move {
            let settings = ConsumeSettings {
                dead_letter_topic: "m.dead-letter".into(),
                ..ConsumeSettings::default()
            };
            consume(
                bus.as_ref(),
                &Picky,
                &["m.task-events".to_owned()],
                &settings,
                stop.notified(),
            )
            .await
        })
    };
    let consumed = |outcome| {
        [
            ("consumer", "metrics-test"),
            ("type", "task.created"),
            ("outcome", outcome),
        ]
    };
    let dead = [("consumer", "metrics-test"), ("topic", "m.task-events")];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let text = loop {
        let (_, text) = get(&ops, "/metrics").await;
        if sample(&text, "events_dead_lettered_total", &dead) >= 1.0
            && sample(&text, "events_consumed_total", &consumed("processed")) >= 2.0
        {
            break text;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the consumer did not finish:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    stop.notify_one();
    consumer.await.expect("consumer task").expect("consume");

    // Assert: the consumer's metrics.
    assert_eq!(sample(&text, "events_consumed_total", &consumed("processed")), 2.0);
    assert_eq!(sample(&text, "events_consumed_total", &consumed("poison")), 1.0);
    assert_eq!(sample(&text, "events_dead_lettered_total", &dead), 1.0);
    let runs = [("consumer", "metrics-test"), ("type", "task.created")];
    assert_eq!(sample(&text, "event_handler_duration_seconds_count", &runs), 3.0);
}

/// A Kafka-pull consumer reports how far its group's commits are behind each topic, from
/// librdkafka's statistics (every 5 s).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kafka_consumer_reports_its_lag() {
    // Arrange: six events on a fresh topic, a fresh group that handles two of them.
    let brokers = todo_tests::kafka_brokers();
    let bus = todo_kit::bus::connect(&format!("kafka://{brokers}"), 1).expect("kafka");
    let id = uuid::Uuid::new_v4().simple().to_string();
    let (topic, group) = (format!("lag.{id}"), format!("lag-{id}"));
    bus.ensure_topic(&topic, 1).await.expect("topic");
    let ctx = WriteContext::new("alice", "/functions/task-api", EventMetadata::default());
    let events: Vec<_> = (0..6)
        .map(|i| {
            let payload = EventPayload::TaskDeleted(todo_events::TaskDeleted {
                task_id: i,
                deletion_reason: None,
            });
            let event = DomainEvent::new(
                ctx.source.clone(),
                chrono::Utc::now(),
                EventMetadata::default(),
                payload,
            );
            todo_kit::bus::Outgoing {
                topic: topic.clone(),
                key: Some("one-key".into()),
                event: event.to_cloudevent(),
            }
        })
        .collect();
    bus.publish(&events).await.expect("publish");

    // Act
    let mut member = bus
        .subscribe(&group, std::slice::from_ref(&topic))
        .await
        .expect("subscribe");
    for _ in 0..2 {
        let delivery = tokio::time::timeout(Duration::from_secs(20), member.next())
            .await
            .expect("a delivery in time")
            .expect("delivery");
        member.commit(&delivery).await.expect("commit");
    }
    let labels = [("topic", topic.as_str()), ("consumer_group", group.as_str())];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let lag = loop {
        let lag = sample(&todo_kit::metrics::metrics().render(), "kafka_consumer_lag", &labels);
        if lag == 4.0 || tokio::time::Instant::now() > deadline {
            break lag;
        }
        // Statistics arrive through the consumer's poll, as in a running consumer loop; what this
        // reads is not committed, so the lag stays at four.
        let _ = tokio::time::timeout(Duration::from_millis(200), member.next()).await;
    };

    // Assert
    assert_eq!(lag, 4.0, "six events, two committed");
}
