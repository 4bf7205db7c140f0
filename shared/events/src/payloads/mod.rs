//! Typed data of every event type, one struct per type, and [`EventPayload`] over all of them.
//!
//! Field names are the wire names of DESIGN §6; the JSON Schemas in `schemas/` describe the same shapes
//! and the tests check that the two agree.

mod intent;
mod notification;
mod ops;
mod payload;
mod session;
mod task;

pub use intent::{IntentFailed, IntentRecognized};
pub use notification::{NotificationFailed, NotificationSent};
pub use ops::{AnomalyDetected, AuditRecorded, IncidentOpened, IncidentResolved, Remediation};
pub use payload::EventPayload;
pub use session::{SessionCreated, SessionExpired, SessionMessageReceived};
pub use task::{TaskCompleted, TaskCreated, TaskDeleted, TaskDueSoon, TaskOverdue, TaskReminder, TaskUpdated};
