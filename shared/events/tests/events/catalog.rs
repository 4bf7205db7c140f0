//! Names, topics and keys of the catalog match DESIGN §6.

use std::collections::HashSet;
use std::time::Duration;

use todo_events::{DomainEvent, EVENT_VERSION, EventMetadata, EventType, Topic};

use crate::helpers::{at, sample_payloads};

const DAY: u64 = 24 * 60 * 60;

#[test]
fn every_event_type_round_trips_through_its_name() {
    for event_type in EventType::ALL {
        assert_eq!(EventType::parse(event_type.as_str()), Some(event_type));
        assert_eq!(event_type.to_string(), event_type.as_str());
    }
}

#[test]
fn event_type_names_are_distinct_and_follow_the_catalog() {
    let names: HashSet<_> = EventType::ALL.iter().map(|t| t.as_str()).collect();
    assert_eq!(names.len(), 29);
    assert_eq!(EventType::AuditRecorded.as_str(), "audit.recorded");
    assert_eq!(EventType::TaskReminder.as_str(), "task.reminder");
    assert_eq!(EventType::SessionMessageReceived.as_str(), "session.message_received");
    assert_eq!(EventType::TaskDueSoon.as_str(), "task.due_soon");
    assert_eq!(EventType::NotificationFailed.as_str(), "notification.failed");
    assert_eq!(EventType::AnomalyDetected.as_str(), "anomaly.detected");
    assert_eq!(EventType::IncidentOpened.as_str(), "incident.opened");
    assert_eq!(EventType::IncidentResolved.as_str(), "incident.resolved");
    assert_eq!(
        EventType::RemediationAwaitingApproval.as_str(),
        "remediation.awaiting_approval"
    );
    assert_eq!(EventType::RemediationDryRun.as_str(), "remediation.dry_run");
    assert_eq!(EventType::RemediationRolledBack.as_str(), "remediation.rolled_back");
}

#[test]
fn parsing_an_unknown_or_differently_cased_name_gives_none() {
    assert_eq!(EventType::parse("task.archived"), None);
    assert_eq!(EventType::parse("Task.Created"), None);
    assert_eq!(EventType::parse(""), None);
}

#[test]
fn each_event_type_goes_to_the_topic_of_its_family() {
    for event_type in EventType::ALL {
        let family = event_type.as_str().split('.').next().unwrap_or_default();
        let expected = match family {
            "task" => Topic::TaskEvents,
            "session" => Topic::SessionEvents,
            "intent" => Topic::IntentEvents,
            "notification" => Topic::NotificationEvents,
            "anomaly" | "incident" | "remediation" => Topic::OpsEvents,
            "audit" => Topic::AuditEvents,
            other => panic!("unexpected family {other}"),
        };
        assert_eq!(event_type.topic(), expected, "{event_type}");
    }
}

#[test]
fn topics_have_the_names_partitions_and_retention_of_the_design() {
    let expected = [
        (Topic::TaskEvents, "task-events", 6, 7),
        (Topic::SessionEvents, "session-events", 3, 3),
        (Topic::IntentEvents, "intent-events", 3, 3),
        (Topic::NotificationEvents, "notification-events", 3, 7),
        (Topic::DeadLetter, "dead-letter", 1, 30),
        (Topic::OpsEvents, "ops-events", 1, 30),
        (Topic::AuditEvents, "audit-events", 3, 365),
    ];
    assert_eq!(Topic::ALL.len(), expected.len());
    for (topic, name, partitions, days) in expected {
        assert_eq!(topic.name(), name);
        assert_eq!(topic.to_string(), name);
        assert_eq!(Topic::parse(name), Some(topic));
        assert_eq!(topic.partitions(), partitions, "{name}");
        assert_eq!(topic.retention(), Duration::from_secs(days * DAY), "{name}");
    }
}

#[test]
fn dataschema_is_a_versioned_urn_per_type() {
    assert_eq!(
        EventType::TaskCreated.dataschema(1),
        "urn:evolution-of-todo:schema:task.created:v1"
    );
    assert_eq!(
        EventType::SessionMessageReceived.dataschema(2),
        "urn:evolution-of-todo:schema:session.message_received:v2"
    );
}

#[test]
fn partition_key_is_the_task_id_session_id_or_actor_and_none_for_notifications_and_ops() {
    for payload in sample_payloads() {
        let expected = match payload.event_type().topic() {
            Topic::TaskEvents => Some("42".to_owned()),
            Topic::SessionEvents | Topic::IntentEvents => Some("sess-9".to_owned()),
            Topic::AuditEvents => Some("alice".to_owned()),
            Topic::NotificationEvents | Topic::DeadLetter | Topic::OpsEvents => None,
        };
        assert_eq!(payload.partition_key(), expected, "{}", payload.event_type());
    }
}

#[test]
fn subject_names_the_entity_the_event_is_about() {
    let subjects: Vec<String> = sample_payloads().iter().map(|p| p.subject()).collect();
    let mut expected = vec!["task/42".to_owned(); 7];
    expected.extend(vec!["session/sess-9".to_owned(); 5]);
    expected.extend(["notification/ntf-1".to_owned(), "notification/ntf-2".to_owned()]);
    expected.extend([
        "component/task-api".to_owned(),
        "incident/inc-1740824100-postgresql".to_owned(),
        "incident/inc-1740824100-postgresql".to_owned(),
    ]);
    expected.extend(vec!["remediation/act-3".to_owned(); 11]);
    expected.push("actor/alice".to_owned());
    assert_eq!(subjects, expected);
}

#[test]
fn a_new_domain_event_has_a_fresh_v7_id_and_the_current_version() {
    // Arrange
    let payload = sample_payloads().remove(0);
    let time = at("2025-03-01T10:00:00Z");

    // Act
    let first = DomainEvent::new("/functions/task-api", time, EventMetadata::default(), payload.clone());
    let second = DomainEvent::new("/functions/task-api", time, EventMetadata::default(), payload);

    // Assert
    assert_eq!(first.id.get_version_num(), 7);
    assert_ne!(first.id, second.id);
    assert_eq!(first.version, EVENT_VERSION);
    assert_eq!(first.event_type(), EventType::TaskCreated);
    assert_eq!(first.topic(), Topic::TaskEvents);
    assert_eq!(first.subject(), "task/42");
    assert_eq!(first.partition_key().as_deref(), Some("42"));
}
