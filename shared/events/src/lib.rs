//! The event catalog of the todo platform: which events exist, what their data looks like, and how they
//! travel as CloudEvents 1.0.
//!
//! Every function that publishes or consumes events depends on this crate, so that a producer and a
//! consumer can never disagree on a type name, a field or a topic. It does no I/O: buses, outboxes and
//! HTTP bindings live in `todo-kit`.
//!
//! - [`catalog`]: the 28 [`EventType`]s and the Kafka [`Topic`]s they go to.
//! - [`payloads`]: one typed struct per event type (one, [`Remediation`], shared by the eleven
//!   `remediation.*` types), and [`EventPayload`] over all of them.
//! - [`envelope`]: [`DomainEvent`] (payload plus id, source, time and [`EventMetadata`]) and its
//!   mapping to and from [`cloudevents::Event`].
//! - [`schema`]: a JSON Schema (draft 2020-12) per type and version, and [`validate`].
//!
//! Run the tests with `cargo test -p todo-events`.

pub mod catalog;
pub mod envelope;
pub mod error;
pub mod payloads;
pub mod schema;

pub use catalog::{EventType, Topic};
pub use envelope::{DomainEvent, EventMetadata};
pub use error::{Error, Result};
pub use payloads::{
    AnomalyDetected, AuditRecorded, EventPayload, IncidentOpened, IncidentResolved, IntentFailed, IntentRecognized,
    NotificationFailed, NotificationSent, Remediation, SessionCreated, SessionExpired, SessionMessageReceived,
    TaskCompleted, TaskCreated, TaskDeleted, TaskDueSoon, TaskOverdue, TaskReminder, TaskUpdated,
};
pub use schema::{schema_document, validate};

/// The current version of every event type.
///
/// It is carried in the `eventversion` extension and in the `dataschema` URN. Bump it for a type only
/// together with a new `schemas/<type>.v<N>.json`, and keep the old schema so old events still validate.
pub const EVENT_VERSION: u32 = 1;
