//! Rebuilding the read model from the history on the in-memory bus: after damage, and while the
//! live consumer runs beside the rebuild.

use std::sync::Arc;
use std::time::Duration;

use analytics::{ReadModel, RebuildReport, rebuild};
use sqlx::Connection;
use todo_events::{DomainEvent, Topic};
use todo_kit::bus::{EventBus, MemoryBus, Outgoing};
use todo_kit::handler::{ConsumeSettings, Outcome, consume};

use crate::cases::{assert_alice_numbers, deliver, summary_of};
use crate::common::{ALICE, APPLIED, SKIPPED, created, history};

const IDLE: Duration = Duration::from_millis(400);

/// A bus holding the history, plus one event that breaks its schema (task id 0).
async fn bus_with(events: &[DomainEvent]) -> MemoryBus {
    let bus = MemoryBus::new();
    for topic in Topic::ALL {
        bus.ensure_topic(topic.name(), topic.partitions()).await.expect("topic");
    }
    let invalid = created(ALICE, 0, "06T09:00", "low", &[], None);
    let outgoing: Vec<Outgoing> = events
        .iter()
        .chain(std::iter::once(&invalid))
        .map(|e| Outgoing {
            topic: e.topic().name().to_owned(),
            key: e.partition_key(),
            event: e.to_cloudevent(),
        })
        .collect();
    bus.publish(&outgoing).await.expect("publish");
    bus
}

fn topics() -> Vec<String> {
    analytics::prefixed_topics("")
}

/// Breaks the model behind the handler's back: counters gone, every task pending.
async fn damage(url: &str) {
    let statements = "DELETE FROM analytics_counters; UPDATE analytics_tasks SET status = 'pending';";
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
        sqlx::raw_sql(statements).execute(&mut conn).await.expect("damage");
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await.expect("connect");
        sqlx::raw_sql(statements).execute(&mut conn).await.expect("damage");
    }
}

pub(crate) async fn a_rebuild_restores_a_damaged_model(model: Arc<dyn ReadModel>, url: &str) {
    // Arrange: the model built live, then damaged.
    let events = history();
    let bus = bus_with(&events).await;
    deliver(&model, &events).await;
    damage(url).await;
    let damaged = summary_of(&model, ALICE).await;
    assert_eq!((damaged.sessions, damaged.open), (0, 5), "the damage shows");

    // Act
    let mut seen = 0;
    let report = rebuild(&bus, model.as_ref(), &topics(), IDLE, |n| seen = n)
        .await
        .expect("rebuild");

    // Assert
    let expected = RebuildReport {
        events: (APPLIED + SKIPPED + 1) as u64,
        applied: APPLIED as u64,
        duplicates: 0,
        skipped: SKIPPED as u64,
        failed: 1,
        elapsed: report.elapsed,
    };
    assert_eq!(report, expected);
    assert_eq!(seen, report.events, "progress heard every record");
    assert_alice_numbers(&model).await;
}

pub(crate) async fn a_rebuild_beside_the_live_consumer_counts_each_event_once(model: Arc<dyn ReadModel>, _url: &str) {
    // Arrange: the live consumer (group "analytics") starts on the same history.
    let bus: Arc<dyn EventBus> = Arc::new(bus_with(&history()).await);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let live = {
        let (bus, handler) = (bus.clone(), model.handler());
        tokio::spawn(async move {
            let settings = ConsumeSettings::default();
            consume(bus.as_ref(), handler.as_ref(), &topics(), &settings, async {
                let _ = stopped.await;
            })
            .await
        })
    };

    // Act
    let report = rebuild(bus.as_ref(), model.as_ref(), &topics(), IDLE, |_| {})
        .await
        .expect("rebuild");
    let _ = stop.send(());
    live.await.expect("no panic").expect("the live consumer ran");

    // Assert: every event was applied by one of the two, and none twice.
    assert_eq!(report.events, (APPLIED + SKIPPED + 1) as u64);
    assert_eq!(
        report.applied + report.duplicates + report.skipped,
        (APPLIED + SKIPPED) as u64,
        "{report:?}"
    );
    assert_eq!(report.failed, 1);
    assert_alice_numbers(&model).await;
}

pub(crate) async fn reset_forgets_the_model_and_the_processed_events(model: Arc<dyn ReadModel>, _url: &str) {
    let events = history();
    deliver(&model, &events).await;

    model.reset().await.expect("reset");

    let empty = summary_of(&model, ALICE).await;
    assert_eq!(
        (empty.created, empty.open, empty.sessions, empty.completed),
        (0, 0, 0, 0)
    );
    let again = deliver(&model, &events).await;
    assert_eq!(
        again.iter().filter(|o| **o == Outcome::Done).count(),
        APPLIED,
        "keys were forgotten"
    );
    assert_alice_numbers(&model).await;
}

pub(crate) async fn a_rebuild_without_history_leaves_the_model_alone(model: Arc<dyn ReadModel>, _url: &str) {
    // Arrange: the model built live; the bus (a restarted process's) holds nothing.
    deliver(&model, &history()).await;
    let empty = MemoryBus::new();
    for topic in Topic::ALL {
        empty
            .ensure_topic(topic.name(), topic.partitions())
            .await
            .expect("topic");
    }

    // Act
    let report = tokio::time::timeout(
        Duration::from_secs(40),
        rebuild(&empty, model.as_ref(), &topics(), IDLE, |_| {}),
    )
    .await
    .expect("the rebuild gives up on an empty history")
    .expect("rebuild");

    // Assert
    assert_eq!(report.events, 0);
    assert_alice_numbers(&model).await;
}
