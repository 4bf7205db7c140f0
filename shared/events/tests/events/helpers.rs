//! Sample data shared by the tests: one valid payload per event type, metadata, a fixed clock, and a
//! valid CloudEvent to break on purpose.

use chrono::{DateTime, Utc};
use cloudevents::{Data, Event};
use serde_json::json;
use todo_events::{
    AnomalyDetected, AuditRecorded, DomainEvent, EventMetadata, EventPayload, EventType, IncidentOpened,
    IncidentResolved, IntentFailed, IntentRecognized, NotificationFailed, NotificationSent, Remediation,
    SessionCreated, SessionExpired, SessionMessageReceived, TaskCompleted, TaskCreated, TaskDeleted, TaskDueSoon,
    TaskOverdue, TaskReminder, TaskUpdated,
};

pub(crate) const SOURCE: &str = "/functions/task-api";

/// Parses an RFC 3339 timestamp; panics on a typo in a test.
pub(crate) fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .expect("test timestamps are valid RFC 3339")
        .with_timezone(&Utc)
}

/// Metadata with every field set.
pub(crate) fn full_metadata() -> EventMetadata {
    EventMetadata {
        correlation_id: Some("corr-7f3a".into()),
        causation_id: Some("req-0042".into()),
        user_id: Some("user-1".into()),
        traceparent: Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into()),
    }
}

/// An event around `payload`, at a time with nanoseconds so precision loss would show.
pub(crate) fn event_of(payload: EventPayload, metadata: EventMetadata) -> DomainEvent {
    DomainEvent::new(SOURCE, at("2025-03-01T10:15:30.123456789Z"), metadata, payload)
}

pub(crate) fn task_created() -> TaskCreated {
    TaskCreated {
        task_id: 42,
        title: "Buy milk".into(),
        description: Some("Two litres, semi-skimmed".into()),
        priority: "high".into(),
        tags: vec!["home".into(), "shopping".into()],
        due_at: Some(at("2025-03-02T18:00:00Z")),
        recurrence: Some("FREQ=WEEKLY;BYDAY=MO".into()),
    }
}

/// One valid payload of every type, in [`EventType::ALL`] order.
pub(crate) fn sample_payloads() -> Vec<EventPayload> {
    let old_values = json!({"title": "Buy milk", "priority": "low"});
    let new_values = json!({"title": "Buy oat milk", "priority": "high"});
    let mut payloads: Vec<EventPayload> = vec![
        task_created().into(),
        TaskUpdated {
            task_id: 42,
            changed_fields: vec!["title".into(), "priority".into()],
            old_values: old_values.as_object().cloned().unwrap_or_default(),
            new_values: new_values.as_object().cloned().unwrap_or_default(),
        }
        .into(),
        TaskDeleted {
            task_id: 42,
            deletion_reason: None,
        }
        .into(),
        TaskCompleted {
            task_id: 42,
            completion_time: at("2025-03-02T09:00:00.5Z"),
            time_to_complete: 81_000,
        }
        .into(),
        TaskDueSoon {
            task_id: 42,
            due_at: at("2025-03-02T18:00:00Z"),
            hours_remaining: 2.5,
        }
        .into(),
        TaskOverdue {
            task_id: 42,
            due_at: at("2025-02-27T18:00:00Z"),
            days_overdue: 3,
        }
        .into(),
        TaskReminder {
            task_id: 42,
            title: "Call the dentist".into(),
            due_at: at("2025-03-02T18:00:00Z"),
            remind_before_minutes: 30,
        }
        .into(),
        SessionCreated {
            session_id: "sess-9".into(),
            user_id: "user-1".into(),
            client_info: json!({"user_agent": "todo-cli/0.1", "locale": "en"}),
        }
        .into(),
        SessionMessageReceived {
            session_id: "sess-9".into(),
            message: "add buy milk tomorrow".into(),
            timestamp: at("2025-03-01T10:15:29Z"),
        }
        .into(),
        SessionExpired {
            session_id: "sess-9".into(),
            duration: 1_800,
            message_count: 12,
        }
        .into(),
        IntentRecognized {
            session_id: "sess-9".into(),
            intent: "create_task".into(),
            confidence: 0.87,
            parameters: json!({"title": "buy milk", "due": "tomorrow"}),
        }
        .into(),
        IntentFailed {
            session_id: "sess-9".into(),
            message: "flibber the jabber".into(),
            confidence: 0.12,
        }
        .into(),
        NotificationSent {
            notification_id: "ntf-1".into(),
            r#type: "webhook".into(),
            recipient: "https://example.invalid/hook".into(),
            status: "delivered".into(),
        }
        .into(),
        NotificationFailed {
            notification_id: "ntf-2".into(),
            error: "connection refused".into(),
            retry_count: 3,
        }
        .into(),
        AnomalyDetected {
            component: "task-api".into(),
            series: "log_burst".into(),
            at: at("2025-03-01T10:15:00Z"),
            value: 42.0,
            score: 0.999_999,
            template: Some("pool timed out while waiting for an open connection".into()),
        }
        .into(),
        IncidentOpened {
            incident_id: "inc-1740824100-postgresql".into(),
            opened_at: at("2025-03-01T10:15:00Z"),
            root_cause: "postgresql".into(),
            confidence: 0.95,
            components: vec!["postgresql".into(), "task-api".into()],
            summary: "postgresql (alert PostgresDown) is the probable root cause; also affected: task-api".into(),
        }
        .into(),
        IncidentResolved {
            incident_id: "inc-1740824100-postgresql".into(),
            opened_at: at("2025-03-01T10:15:00Z"),
            resolved_at: at("2025-03-01T10:42:30Z"),
            root_cause: "postgresql".into(),
            merged_into: Some("inc-1740824040-postgresql".into()),
        }
        .into(),
    ];
    let remediations = EventType::ALL.into_iter().filter_map(|event_type| {
        let (status, actor) = match event_type {
            EventType::RemediationApproved => ("approved", "user-1"),
            EventType::RemediationExecuted => ("succeeded", "executor"),
            _ => ("awaiting_approval", "remediation-engine"),
        };
        EventPayload::shared(event_type, remediation(status, actor))
    });
    payloads.extend(remediations);
    payloads.push(
        AuditRecorded {
            actor: "alice".into(),
            event: "request".into(),
            service: "task-api".into(),
            method: "GET".into(),
            route: "/api/tasks/{id}".into(),
            resource_id: Some("42".into()),
            outcome: "not_found".into(),
            status: 404,
            trace_id: Some("4bf92f3577b34da6a3ce929d0e0e4736".into()),
            request_id: Some("0193b2c4-7f1e-7a55-9d2b-3c4d5e6f7a8b".into()),
            client: Some("203.0.113.7".into()),
            at: at("2025-03-01T10:16:30Z"),
        }
        .into(),
    );
    payloads
}

/// The data of a `remediation.*` event about pausing notifier.
pub(crate) fn remediation(status: &str, actor: &str) -> Remediation {
    Remediation {
        action_id: "act-3".into(),
        incident_id: "inc-1740824100-notifier".into(),
        action: "pause_consumer".into(),
        function: "notifier".into(),
        description: "pause the consumer of notifier on all its topics".into(),
        status: status.into(),
        actor: actor.into(),
        detail: "dead_letter_rate anomaly on notifier".into(),
        at: at("2025-03-01T10:16:00Z"),
    }
}

/// The sample payload of `event_type`.
pub(crate) fn sample_payload(event_type: EventType) -> EventPayload {
    sample_payloads()
        .into_iter()
        .find(|p| p.event_type() == event_type)
        .expect("there is a sample for every type")
}

/// The CloudEvent of a valid task.created event, to break on purpose.
pub(crate) fn valid_cloudevent() -> (DomainEvent, Event) {
    let event = event_of(sample_payload(EventType::TaskCreated), full_metadata());
    let cloudevent = event.to_cloudevent();
    (event, cloudevent)
}

/// Replaces the data and content type, dropping `dataschema`.
pub(crate) fn with_data(cloudevent: &mut Event, content_type: &str, data: impl Into<Data>) {
    let _ = cloudevent.take_data();
    cloudevent.set_data(content_type, data);
}
