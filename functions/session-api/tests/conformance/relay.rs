//! The store's outbox as a source of the shared outbox relay (`todo_outbox::Relay`), on every
//! store: the relay's own loop publishes it beside the task store's outbox (SQLite) on one bus,
//! and a leader's claims never hand out what its unfinished claims hold.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde_json::json;
use session_api::SessionOutbox;
use session_api::model::{NewMessage, Role};
use session_api::store::SessionStore;
use sqlx::Connection;
use todo_events::{DomainEvent, EventMetadata, EventPayload, TaskCompleted, TaskCreated};
use todo_kit::bus::{Delivery, EventBus, MemoryBus, Subscription};
use todo_outbox::source::{OutboxSource, SourceEvent};
use todo_outbox::{Relay, RelaySettings};
use todo_testing::TestDatabase;

/// Opens a session for each of `users` with two user messages: three events each.
async fn sessions_with_messages(store: &dyn SessionStore, users: &[&str]) {
    let (meta, now) = (EventMetadata::default(), Utc::now());
    for user in users {
        let session = store.create(user, json!({}), &meta, now).await.expect("create");
        for n in 0..2 {
            let message = NewMessage {
                role: Role::User,
                content: format!("m{n}"),
                metadata: None,
                events: Vec::new(),
            };
            store
                .append(user, &session.id, message, &meta, now)
                .await
                .expect("append");
        }
    }
}

/// Queues `task.created` and `task.completed` of each of `tasks` in the task store's outbox, as
/// another function's transaction does (`enqueue_sqlite`).
async fn queue_task_events(url: &str, tasks: &[i64]) {
    let now = Utc::now();
    let events: Vec<DomainEvent> = tasks
        .iter()
        .flat_map(|&task_id| {
            let created = TaskCreated {
                task_id,
                title: format!("task {task_id}"),
                description: None,
                priority: "medium".into(),
                tags: Vec::new(),
                due_at: None,
                recurrence: None,
            };
            let completed = TaskCompleted {
                task_id,
                completion_time: now,
                time_to_complete: 0,
            };
            [
                EventPayload::TaskCreated(created),
                EventPayload::TaskCompleted(completed),
            ]
        })
        .map(|payload| DomainEvent::new("/functions/task-api", now, EventMetadata::default(), payload))
        .collect();
    let mut conn = sqlx::SqliteConnection::connect(url).await.expect("connect");
    todo_tasks::store::enqueue_sqlite(&mut conn, &events)
        .await
        .expect("enqueue");
}

/// The next `count` deliveries (committed), then nothing more.
async fn receive(member: &mut Box<dyn Subscription>, count: usize) -> Vec<Delivery> {
    let mut out = Vec::with_capacity(count);
    let all = async {
        while out.len() < count {
            let delivery = member.next().await.expect("delivery");
            member.commit(&delivery).await.expect("commit");
            out.push(delivery);
        }
    };
    let arrived = tokio::time::timeout(Duration::from_secs(10), all).await.is_ok();
    assert!(arrived, "only {} of {count} events arrived", out.len());
    let extra = tokio::time::timeout(Duration::from_millis(300), member.next()).await;
    assert!(extra.is_err(), "an event was published twice");
    out
}

/// What each key received, in order: the event type, or a message's text.
fn per_key(deliveries: &[Delivery]) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for delivery in deliveries {
        let event = todo_kit::handler::validate(delivery.event.as_ref().expect("readable")).expect("valid");
        let seen = match &event.payload {
            EventPayload::SessionMessageReceived(received) => received.message.clone(),
            _ => event.event_type().as_str().to_owned(),
        };
        out.entry(delivery.key.clone().expect("keyed")).or_default().push(seen);
    }
    out
}

pub(crate) async fn the_shared_relay_publishes_session_events_beside_task_events(store: Arc<dyn SessionStore>) {
    // Arrange: three sessions (9 events) and three tasks (6 events); one relay per outbox, with
    // batches of 2 and up to 4 of them on the way at once.
    let db = TestDatabase::sqlite();
    let tasks = todo_tasks::store::connect(db.url()).await.expect("task store");
    let bus: Arc<dyn EventBus> = Arc::new(MemoryBus::new());
    let prefix = format!("r{}.", uuid::Uuid::new_v4().simple());
    let settings = RelaySettings {
        batch_size: 2,
        in_flight: 4,
        poll: Duration::from_millis(20),
        topic_prefix: prefix.clone(),
        ..RelaySettings::default()
    };
    let sessions = Arc::new(SessionOutbox::new(store.clone()));
    let relays = [
        outbox_relay::task_relay(tasks.clone(), bus.clone(), settings.clone()),
        Relay::new(sessions, bus.clone(), settings),
    ];
    for relay in &relays {
        relay.ensure_topics().await.expect("topics");
    }
    sessions_with_messages(store.as_ref(), &["a", "b", "c"]).await;
    queue_task_events(db.url(), &[1, 2, 3]).await;
    let group = format!("{prefix}test");
    let mut session_events = bus
        .subscribe(&group, &[format!("{prefix}session-events")])
        .await
        .expect("subscribe");
    let mut task_events = bus
        .subscribe(&group, &[format!("{prefix}task-events")])
        .await
        .expect("subscribe");

    // Act: both relays run their loop until the events arrived, then stop.
    let stop = tokio::sync::Notify::new();
    let loops = async { tokio::join!(relays[0].run(stop.notified()), relays[1].run(stop.notified())) };
    let arrivals = async {
        let arrived = (
            receive(&mut session_events, 9).await,
            receive(&mut task_events, 6).await,
        );
        stop.notify_waiters();
        arrived
    };
    let (_, (published_sessions, published_tasks)) =
        tokio::time::timeout(Duration::from_secs(30), async { tokio::join!(loops, arrivals) })
            .await
            .expect("the relays publish, then stop");

    // Assert: every event once, in order per key; both outboxes empty; counted per service.
    for (key, seen) in per_key(&published_sessions) {
        assert_eq!(seen, ["session.created", "m0", "m1"], "session {key}");
    }
    for (key, seen) in per_key(&published_tasks) {
        assert_eq!(seen, ["task.created", "task.completed"], "task {key}");
    }
    assert_eq!(tasks.pending_count().await.expect("pending"), 0);
    let left = store.claim_outbox(10).await.expect("claim").expect("free");
    assert!(left.is_empty(), "acknowledged events leave the outbox: {left:?}");
    let metrics = todo_kit::metrics::metrics().render();
    for (service, topic, ty) in [
        ("session-api", "session-events", "session.created"),
        ("outbox-relay", "task-events", "task.created"),
    ] {
        let sample =
            format!("events_published_total{{service=\"{service}\",topic=\"{prefix}{topic}\",type=\"{ty}\"}} 3");
        assert!(metrics.contains(&sample), "{sample} in {metrics}");
    }
    // Both outboxes date their events: each has its publish lag series.
    for service in ["outbox-relay", "session-api"] {
        let series = format!("outbox_publish_lag_seconds_count{{service=\"{service}\"}}");
        assert!(metrics.contains(&series), "{series} in {metrics}");
    }
}

fn ids(events: &[SourceEvent]) -> Vec<String> {
    events.iter().map(|e| e.outbox_id.clone()).collect()
}

pub(crate) async fn a_relay_claim_skips_what_unfinished_claims_hold(store: Arc<dyn SessionStore>) {
    // Arrange: three queued events, and the relay's leadership of them.
    sessions_with_messages(store.as_ref(), &["a"]).await;
    let queued: Vec<String> = store
        .claim_outbox(10)
        .await
        .expect("claim")
        .expect("free")
        .into_iter()
        .map(|p| p.outbox_id)
        .collect();
    assert_eq!(queued.len(), 3);
    let leader = SessionOutbox::new(store.clone())
        .lead()
        .await
        .expect("lead")
        .expect("a leader");

    // Act and assert: claims on the way hold their events until acknowledged or dropped.
    let first = leader.claim(2).await.expect("claim").expect("free");
    let second = leader.claim(2).await.expect("claim").expect("free");
    assert_eq!(ids(&first.events), queued[..2]);
    assert_eq!(ids(&second.events), queued[2..], "the first claim's events are held");
    drop(first);
    let again = leader.claim(5).await.expect("claim").expect("free");
    assert_eq!(ids(&again.events), queued[..2], "a dropped claim releases its events");
    second.receipt.acknowledge(Utc::now()).await.expect("acknowledge");
    again.receipt.acknowledge(Utc::now()).await.expect("acknowledge");
    let empty = leader.claim(5).await.expect("claim").expect("free");
    assert!(empty.events.is_empty(), "acknowledged events are gone");
    assert!(store.claim_outbox(10).await.expect("claim").expect("free").is_empty());
}
