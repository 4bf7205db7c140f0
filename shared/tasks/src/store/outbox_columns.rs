//! An event as an outbox row stores it. Every path that writes the outbox (a task write, a
//! batch of creates, another function's `enqueue_*`) takes its columns from here, so the relay
//! reads the same row whichever path wrote it.

use chrono::{DateTime, Utc};
use todo_events::DomainEvent;

/// The outbox columns of one event.
#[derive(Debug)]
pub struct OutboxColumns {
    /// `event_id`: the CloudEvent id.
    pub event_id: String,
    /// `event_type`, e.g. `task.created`.
    pub event_type: &'static str,
    /// `topic`: the catalog topic the relay publishes to.
    pub topic: &'static str,
    /// `partition_key`: the Kafka message key, if the topic has one.
    pub partition_key: Option<String>,
    /// `event_data`: the whole CloudEvent in structured JSON.
    pub data: String,
    /// `created_at`: the event's time.
    pub at: DateTime<Utc>,
}

impl OutboxColumns {
    /// The columns of `event`.
    pub fn of(event: &DomainEvent) -> Self {
        Self {
            event_id: event.id.to_string(),
            event_type: event.event_type().as_str(),
            topic: event.event_type().topic().name(),
            partition_key: event.partition_key(),
            data: event.to_structured_json().to_string(),
            at: event.time,
        }
    }
}
