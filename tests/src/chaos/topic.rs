//! Reading a whole topic of the soak's broker after the faults, for the checks that hold the
//! platform to what reached the broker (dead letters, session events).

use std::time::Duration;

use cloudevents::event::AttributesWriter;
use todo_kit::bus::{EventBus, KafkaBus};

/// The records in `topic`, read from the start under a new group until 5 s pass without one; an
/// unreadable record as an event of type `record.unreadable`.
///
/// # Panics
/// When the topic cannot be read: a check must not pass for want of reading it.
pub async fn read(brokers: &str, topic: &str) -> Vec<cloudevents::Event> {
    let bus = KafkaBus::connect_with_timeout(brokers, 1, Duration::from_secs(5))
        .unwrap_or_else(|e| panic!("connect to the broker at {brokers}: {e}"));
    let group = format!("chaos-read-{topic}-{}", uuid::Uuid::new_v4().simple());
    let mut member = bus
        .subscribe(&group, &[topic.to_owned()])
        .await
        .unwrap_or_else(|e| panic!("read the {topic} topic: {e}"));
    let mut events = Vec::new();
    while let Ok(delivery) = tokio::time::timeout(Duration::from_secs(5), member.next()).await {
        let delivery = delivery.unwrap_or_else(|e| panic!("read the {topic} topic: {e}"));
        events.push(delivery.event.unwrap_or_else(|reason| {
            let mut unreadable = cloudevents::Event::default();
            unreadable.set_id(format!("offset {} ({reason})", delivery.offset));
            unreadable.set_type("record.unreadable");
            unreadable
        }));
    }
    events
}
