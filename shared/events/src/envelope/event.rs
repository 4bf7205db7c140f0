//! [`DomainEvent`] and [`EventMetadata`]: the platform's own view of an event, independent of any
//! transport.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::EVENT_VERSION;
use crate::catalog::{EventType, Topic};
use crate::payloads::EventPayload;

/// Context that travels with an event as CloudEvents extensions, for tracing and auditing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventMetadata {
    /// Groups every event caused by one user action (extension `correlationid`).
    pub correlation_id: Option<String>,
    /// Id of the event or request that caused this one (extension `causationid`).
    pub causation_id: Option<String>,
    /// The user on whose behalf the event happened (extension `userid`).
    pub user_id: Option<String>,
    /// W3C trace context of the producer (extension `traceparent`, CloudEvents distributed tracing).
    pub traceparent: Option<String>,
}

/// A domain event: a payload plus the envelope attributes every event has.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainEvent {
    /// CloudEvents `id`. A UUIDv7, so ids sort by creation time.
    pub id: Uuid,
    /// CloudEvents `source`: the producing function, e.g. `/functions/task-api`.
    pub source: String,
    /// CloudEvents `time`: when the change happened.
    pub time: DateTime<Utc>,
    /// Schema version of the payload (extension `eventversion`, and part of `dataschema`).
    pub version: u32,
    /// Correlation, causation, user and trace context.
    pub metadata: EventMetadata,
    /// The typed data.
    pub payload: EventPayload,
}

impl DomainEvent {
    /// A new event with a fresh UUIDv7 id and the current [`EVENT_VERSION`].
    ///
    /// `time` is a parameter rather than "now" so that callers (and tests) decide which clock to use.
    #[must_use]
    pub fn new(source: impl Into<String>, time: DateTime<Utc>, metadata: EventMetadata, payload: EventPayload) -> Self {
        DomainEvent {
            id: Uuid::now_v7(),
            source: source.into(),
            time,
            version: EVENT_VERSION,
            metadata,
            payload,
        }
    }

    /// The type of the event, from its payload.
    #[must_use]
    pub fn event_type(&self) -> EventType {
        self.payload.event_type()
    }

    /// The topic the event is published to.
    #[must_use]
    pub fn topic(&self) -> Topic {
        self.event_type().topic()
    }

    /// The CloudEvents `subject`, e.g. `task/42`. See [`EventPayload::subject`].
    #[must_use]
    pub fn subject(&self) -> String {
        self.payload.subject()
    }

    /// The Kafka message key. See [`EventPayload::partition_key`].
    #[must_use]
    pub fn partition_key(&self) -> Option<String> {
        self.payload.partition_key()
    }
}
