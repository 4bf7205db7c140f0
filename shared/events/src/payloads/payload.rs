//! [`EventPayload`]: the data of any event, tagged with its type, plus what follows from the data alone
//! (subject and partition key).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    AnomalyDetected, AuditRecorded, IncidentOpened, IncidentResolved, IntentFailed, IntentRecognized,
    NotificationFailed, NotificationSent, Remediation, SessionCreated, SessionExpired, SessionMessageReceived,
    TaskCompleted, TaskCreated, TaskDeleted, TaskDueSoon, TaskOverdue, TaskReminder, TaskUpdated,
};
use crate::catalog::EventType;
use crate::error::{Error, Result};

/// Declares [`EventPayload`] with one variant per type, named like the [`EventType`] variant. A
/// variant of the first list wraps the struct of the same name, so the three can never drift
/// apart; the variants after `shared` all wrap that one struct (the types differ only in what
/// happened, not in what is said about it).
macro_rules! event_payload {
    ($($name:ident),+ ; shared $shared:ident: $($sname:ident),+ $(,)?) => {
        /// The data of one event, of any type in the catalog.
        #[derive(Debug, Clone, PartialEq)]
        pub enum EventPayload {
            $(
                #[doc = concat!("Data of [`EventType::", stringify!($name), "`].")]
                $name($name),
            )+
            $(
                #[doc = concat!("Data of [`EventType::", stringify!($sname), "`].")]
                $sname($shared),
            )+
        }

        impl EventPayload {
            /// The type of event this payload belongs to.
            #[must_use]
            pub fn event_type(&self) -> EventType {
                match self {
                    $(EventPayload::$name(_) => EventType::$name,)+
                    $(EventPayload::$sname(_) => EventType::$sname,)+
                }
            }

            /// The data object as it goes into the CloudEvent `data`.
            #[must_use]
            pub fn to_json(&self) -> Value {
                match self {
                    $(EventPayload::$name(p) => to_value(p),)+
                    $(EventPayload::$sname(p) => to_value(p),)+
                }
            }

            /// Decodes the data object of an event of type `event_type`.
            ///
            /// This only decodes; [`crate::validate`] checks the ranges and formats of the schema.
            ///
            /// # Errors
            ///
            /// [`Error::InvalidData`] when `data` does not have the shape of the type's payload
            /// (missing or unknown field, wrong JSON type).
            pub fn from_json(event_type: EventType, data: &Value) -> Result<EventPayload> {
                match event_type {
                    $(EventType::$name => decode(event_type, data).map(EventPayload::$name),)+
                    $(EventType::$sname => decode(event_type, data).map(EventPayload::$sname),)+
                }
            }

            #[doc = concat!("The payload of `event_type` with `data`, when `event_type` is one of those whose data is [`", stringify!($shared), "`].")]
            #[must_use]
            pub fn shared(event_type: EventType, data: $shared) -> Option<EventPayload> {
                match event_type {
                    $(EventType::$sname => Some(EventPayload::$sname(data)),)+
                    _ => None,
                }
            }
        }

        $(
            impl From<$name> for EventPayload {
                fn from(payload: $name) -> Self {
                    EventPayload::$name(payload)
                }
            }
        )+
    };
}

event_payload!(
    TaskCreated,
    TaskUpdated,
    TaskDeleted,
    TaskCompleted,
    TaskDueSoon,
    TaskOverdue,
    TaskReminder,
    SessionCreated,
    SessionMessageReceived,
    SessionExpired,
    IntentRecognized,
    IntentFailed,
    NotificationSent,
    NotificationFailed,
    AnomalyDetected,
    IncidentOpened,
    IncidentResolved,
    AuditRecorded;
    shared Remediation:
    RemediationProposed,
    RemediationDryRun,
    RemediationAwaitingApproval,
    RemediationApproved,
    RemediationRejected,
    RemediationBlocked,
    RemediationExecuting,
    RemediationExecuted,
    RemediationFailed,
    RemediationVerified,
    RemediationRolledBack,
);

/// What an event is about; it decides both the subject and the partition key.
enum Entity<'a> {
    Task(i64),
    Session(&'a str),
    Notification(&'a str),
    /// A component of the platform (an anomaly on one of its series).
    Component(&'a str),
    Incident(&'a str),
    /// A remediation action.
    Remediation(&'a str),
    /// Whoever an audit entry is about.
    Actor(&'a str),
}

impl EventPayload {
    /// The CloudEvents `subject`: the entity the event is about, e.g. `task/42`, `session/<id>`,
    /// `notification/<id>`, `component/task-api`, `incident/<id>`, `remediation/<action id>`. Intent
    /// events are about their session.
    #[must_use]
    pub fn subject(&self) -> String {
        match self.entity() {
            Entity::Task(task_id) => format!("task/{task_id}"),
            Entity::Session(session_id) => format!("session/{session_id}"),
            Entity::Notification(notification_id) => format!("notification/{notification_id}"),
            Entity::Component(component) => format!("component/{component}"),
            Entity::Incident(incident_id) => format!("incident/{incident_id}"),
            Entity::Remediation(action_id) => format!("remediation/{action_id}"),
            Entity::Actor(actor) => format!("actor/{actor}"),
        }
    }

    /// The Kafka message key (DESIGN §6): the task id on `task-events`, the session id on
    /// `session-events` and `intent-events`, the actor on `audit-events` (one user's trail stays
    /// in order), none on `notification-events` and `ops-events`.
    #[must_use]
    pub fn partition_key(&self) -> Option<String> {
        match self.entity() {
            Entity::Task(task_id) => Some(task_id.to_string()),
            Entity::Session(session_id) => Some(session_id.to_owned()),
            Entity::Actor(actor) => Some(actor.to_owned()),
            Entity::Notification(_) | Entity::Component(_) | Entity::Incident(_) | Entity::Remediation(_) => None,
        }
    }

    fn entity(&self) -> Entity<'_> {
        match self {
            EventPayload::TaskCreated(TaskCreated { task_id, .. })
            | EventPayload::TaskUpdated(TaskUpdated { task_id, .. })
            | EventPayload::TaskDeleted(TaskDeleted { task_id, .. })
            | EventPayload::TaskCompleted(TaskCompleted { task_id, .. })
            | EventPayload::TaskDueSoon(TaskDueSoon { task_id, .. })
            | EventPayload::TaskOverdue(TaskOverdue { task_id, .. })
            | EventPayload::TaskReminder(TaskReminder { task_id, .. }) => Entity::Task(*task_id),
            EventPayload::SessionCreated(SessionCreated { session_id, .. })
            | EventPayload::SessionMessageReceived(SessionMessageReceived { session_id, .. })
            | EventPayload::SessionExpired(SessionExpired { session_id, .. })
            | EventPayload::IntentRecognized(IntentRecognized { session_id, .. })
            | EventPayload::IntentFailed(IntentFailed { session_id, .. }) => Entity::Session(session_id),
            EventPayload::NotificationSent(NotificationSent { notification_id, .. })
            | EventPayload::NotificationFailed(NotificationFailed { notification_id, .. }) => {
                Entity::Notification(notification_id)
            }
            EventPayload::AnomalyDetected(AnomalyDetected { component, .. }) => Entity::Component(component),
            EventPayload::IncidentOpened(IncidentOpened { incident_id, .. })
            | EventPayload::IncidentResolved(IncidentResolved { incident_id, .. }) => Entity::Incident(incident_id),
            EventPayload::RemediationProposed(Remediation { action_id, .. })
            | EventPayload::RemediationDryRun(Remediation { action_id, .. })
            | EventPayload::RemediationAwaitingApproval(Remediation { action_id, .. })
            | EventPayload::RemediationApproved(Remediation { action_id, .. })
            | EventPayload::RemediationRejected(Remediation { action_id, .. })
            | EventPayload::RemediationBlocked(Remediation { action_id, .. })
            | EventPayload::RemediationExecuting(Remediation { action_id, .. })
            | EventPayload::RemediationExecuted(Remediation { action_id, .. })
            | EventPayload::RemediationFailed(Remediation { action_id, .. })
            | EventPayload::RemediationVerified(Remediation { action_id, .. })
            | EventPayload::RemediationRolledBack(Remediation { action_id, .. }) => Entity::Remediation(action_id),
            EventPayload::AuditRecorded(AuditRecorded { actor, .. }) => Entity::Actor(actor),
        }
    }
}

fn to_value(payload: &impl Serialize) -> Value {
    // The payload structs have string keys only, and serde_json turns non-finite floats into null,
    // so serializing them into a `Value` cannot fail.
    serde_json::to_value(payload).expect("event payloads always serialize to JSON")
}

fn decode<'a, T: Deserialize<'a>>(event_type: EventType, data: &'a Value) -> Result<T> {
    T::deserialize(data).map_err(|e| Error::InvalidData(format!("{event_type}: {e}")))
}
