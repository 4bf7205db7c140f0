//! Every event survives the trip to CloudEvents and back, in memory, as structured JSON and as text.

use todo_events::{DomainEvent, EventMetadata, EventPayload, EventType};

use crate::helpers::{event_of, full_metadata, sample_payload, sample_payloads, task_created};

#[test]
fn there_is_a_sample_payload_for_every_event_type() {
    let types: Vec<EventType> = sample_payloads().iter().map(EventPayload::event_type).collect();
    assert_eq!(types, EventType::ALL);
}

#[test]
fn every_event_type_round_trips_through_a_cloudevent() {
    for metadata in [EventMetadata::default(), full_metadata()] {
        for payload in sample_payloads() {
            // Arrange
            let event = event_of(payload, metadata.clone());

            // Act
            let decoded = DomainEvent::from_cloudevent(&event.to_cloudevent());

            // Assert
            assert_eq!(decoded, Ok(event.clone()), "{}", event.event_type());
        }
    }
}

#[test]
fn every_event_type_round_trips_through_structured_json() {
    for payload in sample_payloads() {
        let event = event_of(payload, full_metadata());

        let decoded = DomainEvent::from_structured_json(&event.to_structured_json());

        assert_eq!(decoded, Ok(event.clone()), "{}", event.event_type());
    }
}

#[test]
fn every_event_type_round_trips_through_structured_json_text() -> Result<(), serde_json::Error> {
    for payload in sample_payloads() {
        let event = event_of(payload, full_metadata());
        let text = serde_json::to_string(&event.to_structured_json())?;

        let decoded = DomainEvent::from_structured_json(&serde_json::from_str(&text)?);

        assert_eq!(decoded, Ok(event.clone()), "{}", event.event_type());
    }
    Ok(())
}

#[test]
fn every_payload_round_trips_through_its_data_object() {
    for payload in sample_payloads() {
        let decoded = EventPayload::from_json(payload.event_type(), &payload.to_json());
        assert_eq!(decoded, Ok(payload));
    }
}

#[test]
fn notification_sent_serializes_its_kind_as_type() {
    let payload = sample_payload(EventType::NotificationSent);

    let data = payload.to_json();

    assert_eq!(data["type"], "webhook");
    assert!(data.get("r#type").is_none());
}

#[test]
fn absent_optional_task_fields_are_null_and_may_also_be_omitted() {
    // Arrange
    let mut task = task_created();
    task.description = None;
    task.due_at = None;
    task.recurrence = None;
    let payload = EventPayload::from(task);
    let mut data = payload.to_json();

    // Act
    let object = data.as_object_mut().expect("payload data is an object");
    for field in ["description", "due_at", "recurrence"] {
        object.remove(field);
    }

    // Assert
    assert!(payload.to_json()["due_at"].is_null());
    assert_eq!(todo_events::validate(EventType::TaskCreated, 1, &data), Ok(()));
    assert_eq!(EventPayload::from_json(EventType::TaskCreated, &data), Ok(payload));
}
