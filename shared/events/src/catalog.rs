//! The names of things: the 29 event types, the Kafka topics, and which type goes to which topic.
//!
//! Type names, topic names, partition counts and retention are part of the contract with Kafka, Knative
//! triggers and dashboards (DESIGN §6), so they are spelled here once and nowhere else.

use std::fmt;
use std::time::Duration;

const DAY: u64 = 24 * 60 * 60;

/// One kind of domain event. Its CloudEvents `type` is [`EventType::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    /// `task.created`
    TaskCreated,
    /// `task.updated`
    TaskUpdated,
    /// `task.deleted`
    TaskDeleted,
    /// `task.completed`
    TaskCompleted,
    /// `task.due_soon`
    TaskDueSoon,
    /// `task.overdue`
    TaskOverdue,
    /// `task.reminder`
    TaskReminder,
    /// `session.created`
    SessionCreated,
    /// `session.message_received`
    SessionMessageReceived,
    /// `session.expired`
    SessionExpired,
    /// `intent.recognized`
    IntentRecognized,
    /// `intent.failed`
    IntentFailed,
    /// `notification.sent`
    NotificationSent,
    /// `notification.failed`
    NotificationFailed,
    /// `anomaly.detected`
    AnomalyDetected,
    /// `incident.opened`
    IncidentOpened,
    /// `incident.resolved`
    IncidentResolved,
    /// `remediation.proposed`
    RemediationProposed,
    /// `remediation.dry_run`
    RemediationDryRun,
    /// `remediation.awaiting_approval`
    RemediationAwaitingApproval,
    /// `remediation.approved`
    RemediationApproved,
    /// `remediation.rejected`
    RemediationRejected,
    /// `remediation.blocked`
    RemediationBlocked,
    /// `remediation.executing`
    RemediationExecuting,
    /// `remediation.executed`
    RemediationExecuted,
    /// `remediation.failed`
    RemediationFailed,
    /// `remediation.verified`
    RemediationVerified,
    /// `remediation.rolled_back`
    RemediationRolledBack,
    /// `audit.recorded`
    AuditRecorded,
}

impl EventType {
    /// Every event type, in catalog order.
    pub const ALL: [EventType; 29] = [
        EventType::TaskCreated,
        EventType::TaskUpdated,
        EventType::TaskDeleted,
        EventType::TaskCompleted,
        EventType::TaskDueSoon,
        EventType::TaskOverdue,
        EventType::TaskReminder,
        EventType::SessionCreated,
        EventType::SessionMessageReceived,
        EventType::SessionExpired,
        EventType::IntentRecognized,
        EventType::IntentFailed,
        EventType::NotificationSent,
        EventType::NotificationFailed,
        EventType::AnomalyDetected,
        EventType::IncidentOpened,
        EventType::IncidentResolved,
        EventType::RemediationProposed,
        EventType::RemediationDryRun,
        EventType::RemediationAwaitingApproval,
        EventType::RemediationApproved,
        EventType::RemediationRejected,
        EventType::RemediationBlocked,
        EventType::RemediationExecuting,
        EventType::RemediationExecuted,
        EventType::RemediationFailed,
        EventType::RemediationVerified,
        EventType::RemediationRolledBack,
        EventType::AuditRecorded,
    ];

    /// The CloudEvents `type` attribute, e.g. `task.created`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::TaskCreated => "task.created",
            EventType::TaskUpdated => "task.updated",
            EventType::TaskDeleted => "task.deleted",
            EventType::TaskCompleted => "task.completed",
            EventType::TaskDueSoon => "task.due_soon",
            EventType::TaskOverdue => "task.overdue",
            EventType::TaskReminder => "task.reminder",
            EventType::SessionCreated => "session.created",
            EventType::SessionMessageReceived => "session.message_received",
            EventType::SessionExpired => "session.expired",
            EventType::IntentRecognized => "intent.recognized",
            EventType::IntentFailed => "intent.failed",
            EventType::NotificationSent => "notification.sent",
            EventType::NotificationFailed => "notification.failed",
            EventType::AnomalyDetected => "anomaly.detected",
            EventType::IncidentOpened => "incident.opened",
            EventType::IncidentResolved => "incident.resolved",
            EventType::RemediationProposed => "remediation.proposed",
            EventType::RemediationDryRun => "remediation.dry_run",
            EventType::RemediationAwaitingApproval => "remediation.awaiting_approval",
            EventType::RemediationApproved => "remediation.approved",
            EventType::RemediationRejected => "remediation.rejected",
            EventType::RemediationBlocked => "remediation.blocked",
            EventType::RemediationExecuting => "remediation.executing",
            EventType::RemediationExecuted => "remediation.executed",
            EventType::RemediationFailed => "remediation.failed",
            EventType::RemediationVerified => "remediation.verified",
            EventType::RemediationRolledBack => "remediation.rolled_back",
            EventType::AuditRecorded => "audit.recorded",
        }
    }

    /// The type whose [`as_str`](Self::as_str) is `s`, or `None` if the catalog has no such type.
    #[must_use]
    pub fn parse(s: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The topic events of this type are published to.
    #[must_use]
    pub fn topic(self) -> Topic {
        match self {
            EventType::TaskCreated
            | EventType::TaskUpdated
            | EventType::TaskDeleted
            | EventType::TaskCompleted
            | EventType::TaskDueSoon
            | EventType::TaskOverdue
            | EventType::TaskReminder => Topic::TaskEvents,
            EventType::SessionCreated | EventType::SessionMessageReceived | EventType::SessionExpired => {
                Topic::SessionEvents
            }
            EventType::IntentRecognized | EventType::IntentFailed => Topic::IntentEvents,
            EventType::NotificationSent | EventType::NotificationFailed => Topic::NotificationEvents,
            EventType::AnomalyDetected
            | EventType::IncidentOpened
            | EventType::IncidentResolved
            | EventType::RemediationProposed
            | EventType::RemediationDryRun
            | EventType::RemediationAwaitingApproval
            | EventType::RemediationApproved
            | EventType::RemediationRejected
            | EventType::RemediationBlocked
            | EventType::RemediationExecuting
            | EventType::RemediationExecuted
            | EventType::RemediationFailed
            | EventType::RemediationVerified
            | EventType::RemediationRolledBack => Topic::OpsEvents,
            EventType::AuditRecorded => Topic::AuditEvents,
        }
    }

    /// The CloudEvents `dataschema` URI of `version` of this type, which is also the `$id` of its
    /// JSON Schema: `urn:evolution-of-todo:schema:task.created:v1`.
    ///
    /// A URN rather than a URL because nothing needs to fetch it: the schemas are compiled into this crate.
    #[must_use]
    pub fn dataschema(self, version: u32) -> String {
        format!("urn:evolution-of-todo:schema:{}:v{version}", self.as_str())
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A Kafka topic of the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    /// `task-events`, keyed by task id.
    TaskEvents,
    /// `session-events`, keyed by session id.
    SessionEvents,
    /// `intent-events`, keyed by session id.
    IntentEvents,
    /// `notification-events`, unkeyed.
    NotificationEvents,
    /// `dead-letter`: events a consumer gave up on, with the reason.
    DeadLetter,
    /// `ops-events`, unkeyed: what the aiops function found (anomalies, incidents) and did
    /// (remediation actions).
    OpsEvents,
    /// `audit-events`, keyed by actor: who read or changed what, and every refused attempt
    /// (a year's retention: the trail outlives the data it is about).
    AuditEvents,
}

impl Topic {
    /// Every topic.
    pub const ALL: [Topic; 7] = [
        Topic::TaskEvents,
        Topic::SessionEvents,
        Topic::IntentEvents,
        Topic::NotificationEvents,
        Topic::DeadLetter,
        Topic::OpsEvents,
        Topic::AuditEvents,
    ];

    /// The Kafka topic name, e.g. `task-events`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Topic::TaskEvents => "task-events",
            Topic::SessionEvents => "session-events",
            Topic::IntentEvents => "intent-events",
            Topic::NotificationEvents => "notification-events",
            Topic::DeadLetter => "dead-letter",
            Topic::OpsEvents => "ops-events",
            Topic::AuditEvents => "audit-events",
        }
    }

    /// The topic whose [`name`](Self::name) is `name`, if any.
    #[must_use]
    pub fn parse(name: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Number of partitions. `i32` because that is what Kafka clients (rdkafka) take.
    #[must_use]
    pub fn partitions(self) -> i32 {
        match self {
            Topic::TaskEvents => 6,
            Topic::SessionEvents | Topic::IntentEvents | Topic::NotificationEvents | Topic::AuditEvents => 3,
            Topic::DeadLetter | Topic::OpsEvents => 1,
        }
    }

    /// How long the broker keeps messages (`retention.ms`).
    #[must_use]
    pub fn retention(self) -> Duration {
        let days = match self {
            Topic::TaskEvents | Topic::NotificationEvents => 7,
            Topic::SessionEvents | Topic::IntentEvents => 3,
            Topic::DeadLetter | Topic::OpsEvents => 30,
            Topic::AuditEvents => 365,
        };
        Duration::from_secs(days * DAY)
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
