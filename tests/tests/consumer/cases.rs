//! Consumer cases, with a handler that records what it saw and fails on command.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;
use cloudevents::event::{AttributesWriter, ExtensionValue};
use todo_events::{DomainEvent, EventMetadata, EventPayload, TaskCompleted};
use todo_kit::bus::{EventBus, Outgoing, Subscription};
use todo_kit::handler::{ConsumeSettings, EventHandler, HandlerError, Outcome, consume};

/// Records handled task ids; fails the first `fail_times[task_id]` attempts of a task, and treats
/// task ids in `poison` as poison.
struct Recorder {
    name: String,
    handled: Mutex<Vec<i64>>,
    attempts: Mutex<HashMap<i64, u32>>,
    fail_times: HashMap<i64, u32>,
    poison: Vec<i64>,
}

#[async_trait]
impl EventHandler for Recorder {
    fn name(&self) -> &str {
        &self.name
    }

    async fn handle(&self, event: &DomainEvent) -> Result<Outcome, HandlerError> {
        let EventPayload::TaskCompleted(completed) = &event.payload else {
            return Ok(Outcome::Skipped);
        };
        let id = completed.task_id;
        let attempt = {
            let mut attempts = self.attempts.lock().expect("lock");
            let entry = attempts.entry(id).or_insert(0);
            *entry += 1;
            *entry
        };
        if self.poison.contains(&id) {
            return Err(HandlerError::Poison(format!("task {id} is poison")));
        }
        if attempt <= self.fail_times.get(&id).copied().unwrap_or(0) {
            return Err(HandlerError::Retryable(format!(
                "attempt {attempt} of task {id} failed"
            )));
        }
        self.handled.lock().expect("lock").push(id);
        Ok(Outcome::Done)
    }
}

struct Fixture {
    bus: Arc<dyn EventBus>,
    topic: String,
    settings: ConsumeSettings,
    handler: Arc<Recorder>,
}

fn completed(id: i64) -> cloudevents::Event {
    let payload = EventPayload::TaskCompleted(TaskCompleted {
        task_id: id,
        completion_time: Utc::now(),
        time_to_complete: 5,
    });
    DomainEvent::new("/functions/task-api", Utc::now(), EventMetadata::default(), payload).to_cloudevent()
}

async fn fixture(bus: Arc<dyn EventBus>, fail_times: &[(i64, u32)], poison: &[i64]) -> Fixture {
    let prefix = format!("c{}.", uuid::Uuid::new_v4().simple());
    let topic = format!("{prefix}task-events");
    let dead = format!("{prefix}dead-letter");
    bus.ensure_topic(&topic, 3).await.expect("topic");
    bus.ensure_topic(&dead, 1).await.expect("dead-letter");
    let settings = ConsumeSettings {
        max_attempts: 3,
        retry_for: Duration::ZERO,
        first_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        dead_letter_topic: dead,
        ..ConsumeSettings::default()
    };
    let handler = Arc::new(Recorder {
        name: format!("{prefix}recorder"),
        handled: Mutex::default(),
        attempts: Mutex::default(),
        fail_times: fail_times.iter().copied().collect(),
        poison: poison.to_vec(),
    });
    Fixture {
        bus,
        topic,
        settings,
        handler,
    }
}

impl Fixture {
    async fn publish(&self, events: Vec<(String, cloudevents::Event)>) {
        let outgoing: Vec<Outgoing> = events
            .into_iter()
            .map(|(key, event)| Outgoing {
                topic: self.topic.clone(),
                key: Some(key),
                event,
            })
            .collect();
        self.bus.publish(&outgoing).await.expect("publish");
    }

    /// Runs the consumer until `handled` events were handled (or 30 s passed), then stops it.
    async fn run_until(&self, handled: usize) {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let bus = self.bus.clone();
        let handler = self.handler.clone();
        let topics = vec![self.topic.clone()];
        let settings = self.settings.clone();
        let running = tokio::spawn(async move {
            consume(bus.as_ref(), handler.as_ref(), &topics, &settings, async {
                let _ = stopped.await;
            })
            .await
        });
        for _ in 0..600 {
            if self.handler.handled.lock().expect("lock").len() >= handled {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = stop.send(());
        tokio::time::timeout(Duration::from_secs(10), running)
            .await
            .expect("stops")
            .expect("task")
            .expect("consume");
    }

    fn handled(&self) -> Vec<i64> {
        self.handler.handled.lock().expect("lock").clone()
    }

    async fn dead_letters(&self, count: usize) -> Vec<cloudevents::Event> {
        let mut member: Box<dyn Subscription> = self
            .bus
            .subscribe(
                &format!("{}-dlq-reader", self.handler.name),
                std::slice::from_ref(&self.settings.dead_letter_topic),
            )
            .await
            .expect("subscribe");
        let mut out = Vec::new();
        while out.len() < count {
            let delivery = tokio::time::timeout(Duration::from_secs(30), member.next())
                .await
                .expect("a dead letter in time")
                .expect("delivery");
            out.push(delivery.event.expect("event"));
        }
        out
    }
}

fn extension(event: &cloudevents::Event, name: &str) -> String {
    match event.extension(name) {
        Some(ExtensionValue::String(value)) => value.clone(),
        other => panic!("{name}: {other:?}"),
    }
}

pub(crate) async fn every_valid_event_is_handled_once_and_committed(bus: Arc<dyn EventBus>) {
    let f = fixture(bus, &[], &[]).await;
    f.publish((1..=5).map(|id| (id.to_string(), completed(id))).collect())
        .await;
    f.run_until(5).await;
    let mut handled = f.handled();
    handled.sort_unstable();
    assert_eq!(handled, [1, 2, 3, 4, 5]);
    // A restarted member of the group resumes after the commits: nothing is handled twice.
    f.publish(vec![("6".into(), completed(6))]).await;
    f.run_until(6).await;
    let mut handled = f.handled();
    handled.sort_unstable();
    assert_eq!(handled, [1, 2, 3, 4, 5, 6]);
}

pub(crate) async fn a_failing_handler_is_retried_until_it_succeeds(bus: Arc<dyn EventBus>) {
    let f = fixture(bus, &[(7, 2)], &[]).await;
    f.publish(vec![("7".into(), completed(7))]).await;
    f.run_until(1).await;
    assert_eq!(f.handled(), [7]);
    assert_eq!(f.handler.attempts.lock().expect("lock")[&7], 3);
}

pub(crate) async fn poison_and_invalid_events_go_to_dead_letter_without_blocking_their_key(bus: Arc<dyn EventBus>) {
    let f = fixture(bus, &[], &[2]).await;
    let mut invalid = completed(3);
    invalid.set_data("application/json", serde_json::json!({ "task_id": "three" }));
    invalid.set_id(uuid::Uuid::now_v7().to_string());
    f.publish(vec![
        ("same".into(), completed(1)),
        ("same".into(), completed(2)),
        ("same".into(), invalid),
        ("same".into(), completed(4)),
    ])
    .await;
    f.run_until(2).await;
    assert_eq!(f.handled(), [1, 4], "later events of the key still run, in order");
    let letters = f.dead_letters(2).await;
    assert_eq!(extension(&letters[0], "deadletterconsumer"), f.handler.name);
    assert!(extension(&letters[0], "deadlettererror").starts_with("poison: task 2"));
    assert_eq!(extension(&letters[0], "deadletterattempts"), "1");
    assert!(
        extension(&letters[1], "deadlettererror").starts_with("poison: invalid event"),
        "{}",
        extension(&letters[1], "deadlettererror")
    );
    assert_eq!(extension(&letters[1], "deadlettertopic"), f.topic);
}

pub(crate) async fn an_event_that_keeps_failing_is_dead_lettered_after_the_last_attempt(bus: Arc<dyn EventBus>) {
    let f = fixture(bus, &[(5, 100)], &[]).await;
    f.publish(vec![("k".into(), completed(5)), ("k".into(), completed(6))])
        .await;
    f.run_until(1).await;
    assert_eq!(f.handled(), [6]);
    let letters = f.dead_letters(1).await;
    assert_eq!(extension(&letters[0], "deadletterattempts"), "3");
    assert!(extension(&letters[0], "deadlettererror").starts_with("gave up: attempt 3"));
}
