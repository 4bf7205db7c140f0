//! The JSON Schemas reject what they should, and a violation lists every problem with its JSON pointer.

use serde_json::{Value, json};
use todo_events::{Error, EventPayload, EventType, validate};

use crate::helpers::sample_payload;

fn task_created_data() -> Value {
    sample_payload(EventType::TaskCreated).to_json()
}

/// The violations of `data` as a task.created, or a panic if it is accepted.
fn violations(data: &Value) -> Vec<String> {
    match validate(EventType::TaskCreated, 1, data) {
        Err(Error::SchemaViolation { event_type, errors }) => {
            assert_eq!(event_type, EventType::TaskCreated);
            errors
        }
        other => panic!("expected a schema violation, got {other:?}"),
    }
}

fn assert_rejected_at(data: &Value, pointer: &str) {
    let errors = violations(data);
    assert!(
        errors.iter().any(|e| e.starts_with(&format!("{pointer}: "))),
        "no violation at {pointer} in {errors:?}"
    );
}

#[test]
fn schema_rejects_a_missing_required_field() {
    let mut data = task_created_data();
    data.as_object_mut().map(|o| o.remove("title"));

    let errors = violations(&data);

    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("/: ") && errors[0].contains("title"),
        "{errors:?}"
    );
}

#[test]
fn schema_rejects_an_extra_field() {
    let mut data = task_created_data();
    data["owner"] = json!("mallory");

    let errors = violations(&data);

    assert!(errors.iter().any(|e| e.contains("owner")), "{errors:?}");
}

#[test]
fn schema_rejects_a_field_of_the_wrong_type() {
    let mut data = task_created_data();
    data["task_id"] = json!("42");

    assert_rejected_at(&data, "/task_id");
}

#[test]
fn schema_rejects_a_priority_outside_the_enum() {
    let mut data = task_created_data();
    data["priority"] = json!("critical");

    assert_rejected_at(&data, "/priority");
}

#[test]
fn schema_rejects_more_than_twenty_tags_and_overlong_or_empty_tags() {
    let mut too_many = task_created_data();
    too_many["tags"] = json!((0..21).map(|i| format!("tag{i}")).collect::<Vec<_>>());
    let mut bad_tags = task_created_data();
    bad_tags["tags"] = json!(["", "x".repeat(51)]);

    assert_rejected_at(&too_many, "/tags");
    assert_rejected_at(&bad_tags, "/tags/0");
    assert_rejected_at(&bad_tags, "/tags/1");
}

#[test]
fn schema_rejects_a_task_id_below_one_and_an_overlong_title() {
    let mut data = task_created_data();
    data["task_id"] = json!(0);
    data["title"] = json!("t".repeat(201));

    assert_rejected_at(&data, "/task_id");
    assert_rejected_at(&data, "/title");
}

#[test]
fn schema_rejects_negative_counts_and_durations() {
    let cases = [
        (EventType::TaskCompleted, "time_to_complete"),
        (EventType::TaskOverdue, "days_overdue"),
        (EventType::TaskDueSoon, "hours_remaining"),
        (EventType::TaskReminder, "remind_before_minutes"),
        (EventType::SessionExpired, "duration"),
        (EventType::SessionExpired, "message_count"),
        (EventType::NotificationFailed, "retry_count"),
    ];
    for (event_type, field) in cases {
        let mut data = sample_payload(event_type).to_json();
        data[field] = json!(-1);

        let result = validate(event_type, 1, &data);

        let pointer = format!("/{field}: ");
        assert!(
            matches!(&result, Err(Error::SchemaViolation { errors, .. }) if errors.iter().any(|e| e.starts_with(&pointer))),
            "{event_type}.{field}: {result:?}"
        );
    }
}

#[test]
fn schema_rejects_a_confidence_outside_zero_to_one() {
    for confidence in [-0.1, 1.5] {
        let mut data = sample_payload(EventType::IntentRecognized).to_json();
        data["confidence"] = json!(confidence);

        let result = validate(EventType::IntentRecognized, 1, &data);

        assert!(matches!(result, Err(Error::SchemaViolation { .. })), "{confidence}");
    }
}

#[test]
fn schema_rejects_a_bad_date_time() {
    for bad in ["tomorrow", "2025-03-02", "2025-13-02T18:00:00Z", "2025-03-02 18:00:00"] {
        let mut data = task_created_data();
        data["due_at"] = json!(bad);

        assert_rejected_at(&data, "/due_at");
    }
}

#[test]
fn schema_rejects_a_recurrence_that_is_not_an_rrule() {
    let mut data = task_created_data();
    data["recurrence"] = json!("every monday");

    assert_rejected_at(&data, "/recurrence");
}

#[test]
fn schema_accepts_rrules_with_freq_anywhere_and_an_rrule_prefix() {
    for rule in ["BYDAY=MO;FREQ=WEEKLY", "RRULE:FREQ=DAILY;INTERVAL=2", "FREQ=MONTHLY"] {
        let mut data = task_created_data();
        data["recurrence"] = json!(rule);

        assert_eq!(validate(EventType::TaskCreated, 1, &data), Ok(()), "{rule}");
    }
}

#[test]
fn schema_violation_lists_every_violation_with_its_pointer() {
    // Arrange: four independent mistakes.
    let mut data = task_created_data();
    data["priority"] = json!("critical");
    data["due_at"] = json!("tomorrow");
    data["tags"] = json!(["ok", 7]);
    data["extra"] = json!(true);

    // Act
    let errors = violations(&data);

    // Assert
    assert_eq!(errors.len(), 4, "{errors:?}");
    for pointer in ["/priority: ", "/due_at: ", "/tags/1: ", "/: "] {
        assert!(errors.iter().any(|e| e.starts_with(pointer)), "{pointer} in {errors:?}");
    }
    let message = Error::SchemaViolation {
        event_type: EventType::TaskCreated,
        errors,
    }
    .to_string();
    assert!(message.starts_with("data of event type `task.created` violates its schema: "));
    assert!(message.contains("/due_at: "), "{message}");
}

#[test]
fn ops_schemas_reject_a_score_out_of_range_and_an_incident_without_components() {
    // Arrange
    let mut anomaly = sample_payload(EventType::AnomalyDetected).to_json();
    anomaly["score"] = json!(1.5);
    let mut opened = sample_payload(EventType::IncidentOpened).to_json();
    opened["components"] = json!([]);

    // Act
    let anomaly = validate(EventType::AnomalyDetected, 1, &anomaly);
    let opened = validate(EventType::IncidentOpened, 1, &opened);

    // Assert
    assert!(
        matches!(&anomaly, Err(Error::SchemaViolation { errors, .. }) if errors.iter().any(|e| e.starts_with("/score: "))),
        "{anomaly:?}"
    );
    assert!(
        matches!(&opened, Err(Error::SchemaViolation { errors, .. }) if errors.iter().any(|e| e.starts_with("/components: "))),
        "{opened:?}"
    );
}

#[test]
fn remediation_schemas_reject_an_unknown_action_or_status() {
    // Arrange
    let mut unknown_action = sample_payload(EventType::RemediationApproved).to_json();
    unknown_action["action"] = json!("reboot_the_cluster");
    let mut unknown_status = sample_payload(EventType::RemediationExecuted).to_json();
    unknown_status["status"] = json!("done");

    // Act
    let unknown_action = validate(EventType::RemediationApproved, 1, &unknown_action);
    let unknown_status = validate(EventType::RemediationExecuted, 1, &unknown_status);

    // Assert
    assert!(
        matches!(&unknown_action, Err(Error::SchemaViolation { errors, .. }) if errors.iter().any(|e| e.starts_with("/action: "))),
        "{unknown_action:?}"
    );
    assert!(
        matches!(&unknown_status, Err(Error::SchemaViolation { errors, .. }) if errors.iter().any(|e| e.starts_with("/status: "))),
        "{unknown_status:?}"
    );
}

#[test]
fn only_remediation_types_take_the_shared_remediation_data() {
    let data = crate::helpers::remediation("approved", "user-1");
    assert_eq!(
        EventPayload::shared(EventType::RemediationApproved, data.clone()).map(|p| p.event_type()),
        Some(EventType::RemediationApproved)
    );
    assert_eq!(EventPayload::shared(EventType::IncidentOpened, data), None);
}
