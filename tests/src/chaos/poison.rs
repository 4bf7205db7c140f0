//! Poison on purpose: a few `task.created` events whose data is not a task, published to
//! `task-events` while the faults run. Every consumer of the topic must send each of them to
//! `dead-letter`, and nothing else may land there: "dead letters only for events that were meant
//! to be poison". Dead-lettering is at least once, like every effect of a consumer: one killed
//! after it dead-lettered an event but before its offset was committed does it again, under the
//! same event id (an operator replaying dead letters goes by that id).

use std::collections::BTreeSet;
use std::time::Duration;

use cloudevents::event::ExtensionValue;
use cloudevents::{AttributesReader, Event, EventBuilder, EventBuilderV10};
use todo_kit::bus::{EventBus, KafkaBus, Outgoing};

use super::verify::Findings;

/// The consumer groups reading `task-events` in the soak.
pub const CONSUMERS: [&str; 3] = ["analytics", "notifier", "scheduler"];

/// How many poison events a soak publishes (at its start, a third and two thirds through).
pub const COUNT: usize = 3;

/// The id of the `n`th poison event of the soak with `seed`.
pub fn id(seed: u64, n: usize) -> String {
    format!("chaos-poison-{seed}-{n}")
}

/// Publishes the `n`th poison event to the broker at `brokers` (through the functions' proxy:
/// the broker advertises only that address; a fault on it delays the send, which retries).
///
/// # Panics
/// When the broker does not take it: the check must not pass for want of sending it.
pub async fn publish(brokers: &str, seed: u64, n: usize) {
    let event = EventBuilderV10::new()
        .id(id(seed, n))
        .source("/chaos/poison")
        .ty("task.created")
        .time(chrono::Utc::now())
        .data("application/json", serde_json::json!({ "not": "a task" }))
        .build()
        .expect("poison event");
    let bus = KafkaBus::connect_with_timeout(brokers, 1, Duration::from_secs(30))
        .unwrap_or_else(|e| panic!("connect to the broker at {brokers}: {e}"));
    bus.publish(&[Outgoing {
        topic: todo_events::Topic::TaskEvents.name().to_owned(),
        key: Some("chaos-poison".to_owned()),
        event,
    }])
    .await
    .unwrap_or_else(|e| panic!("publish poison: {e}"));
}

/// Holds the dead letters to the poison sent: each poison event dead-lettered by each of
/// [`CONSUMERS`], and nothing but poison. Other readers of the topic may dead-letter poison too:
/// task-api's live stream reads it under a group of its own per process (`live-<uuid>`), so
/// each task-api process adds its letters.
pub fn check(letters: &[Event], seed: u64, sent: usize, findings: &mut Findings) {
    let expected: BTreeSet<String> = (0..sent).map(|n| id(seed, n)).collect();
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    for letter in letters {
        let consumer = match letter.extension("deadletterconsumer") {
            Some(ExtensionValue::String(consumer)) => consumer.clone(),
            _ => "an unnamed consumer".to_owned(),
        };
        let id = letter.id().to_owned();
        if expected.contains(&id) {
            seen.insert((id, consumer));
        } else {
            let error = match letter.extension("deadlettererror") {
                Some(ExtensionValue::String(error)) => error.clone(),
                _ => String::new(),
            };
            findings
                .unexpected_dead_letters
                .push(format!("{} {id} dead-lettered by {consumer}: {error}", letter.ty()));
        }
    }
    findings.dead_letters = letters.len();
    findings.effects += expected.len() * CONSUMERS.len();
    for id in &expected {
        for consumer in CONSUMERS {
            if !seen.contains(&(id.clone(), consumer.to_owned())) {
                findings
                    .effects_lost
                    .push(format!("poison {id} was not dead-lettered by {consumer}"));
            }
        }
    }
}
