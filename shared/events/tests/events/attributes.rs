//! The CloudEvent of a domain event carries exactly the attributes DESIGN §6 names.

use cloudevents::event::{AttributesReader, ExtensionValue, SpecVersion};
use cloudevents::{Data, Event};
use todo_events::{DomainEvent, Error, EventMetadata, EventType};

use crate::helpers::{SOURCE, at, event_of, full_metadata, sample_payload, sample_payloads};

fn extension(event: &Event, name: &str) -> Option<String> {
    match event.extension(name) {
        Some(ExtensionValue::String(value)) => Some(value.clone()),
        Some(other) => panic!("extension {name} is not a string: {other:?}"),
        None => None,
    }
}

#[test]
fn cloudevent_carries_the_core_attributes_of_the_domain_event() {
    for payload in sample_payloads() {
        // Arrange
        let event = event_of(payload, EventMetadata::default());
        let event_type = event.event_type();

        // Act
        let cloudevent = event.to_cloudevent();

        // Assert
        assert_eq!(cloudevent.specversion(), SpecVersion::V10);
        assert_eq!(cloudevent.id(), event.id.to_string());
        assert_eq!(cloudevent.ty(), event_type.as_str());
        assert_eq!(cloudevent.source(), SOURCE);
        assert_eq!(cloudevent.subject(), Some(event.subject().as_str()));
        assert_eq!(cloudevent.time(), Some(&at("2025-03-01T10:15:30.123456789Z")));
        assert_eq!(cloudevent.datacontenttype(), Some("application/json"));
        assert_eq!(
            cloudevent.dataschema().map(|u| u.as_str()),
            Some(event_type.dataschema(1).as_str())
        );
        assert_eq!(cloudevent.data(), Some(&Data::Json(event.payload.to_json())));
    }
}

#[test]
fn eventversion_is_always_present_as_a_string() {
    let event = event_of(sample_payload(EventType::TaskDeleted), EventMetadata::default());

    let cloudevent = event.to_cloudevent();

    assert_eq!(extension(&cloudevent, "eventversion").as_deref(), Some("1"));
}

#[test]
fn metadata_extensions_are_absent_when_metadata_is_empty() {
    let event = event_of(sample_payload(EventType::TaskCreated), EventMetadata::default());

    let cloudevent = event.to_cloudevent();

    let names: Vec<&str> = cloudevent.iter_extensions().map(|(name, _)| name).collect();
    assert_eq!(names, ["eventversion"]);
}

#[test]
fn metadata_extensions_are_present_exactly_when_metadata_has_them() {
    // Arrange
    let full = full_metadata();
    let partial = EventMetadata {
        correlation_id: Some("corr-1".into()),
        traceparent: full.traceparent.clone(),
        ..EventMetadata::default()
    };

    for metadata in [full, partial] {
        // Act
        let cloudevent = event_of(sample_payload(EventType::IntentFailed), metadata.clone()).to_cloudevent();

        // Assert
        assert_eq!(extension(&cloudevent, "correlationid"), metadata.correlation_id);
        assert_eq!(extension(&cloudevent, "causationid"), metadata.causation_id);
        assert_eq!(extension(&cloudevent, "userid"), metadata.user_id);
        assert_eq!(extension(&cloudevent, "traceparent"), metadata.traceparent);
        let set = [
            &metadata.correlation_id,
            &metadata.causation_id,
            &metadata.user_id,
            &metadata.traceparent,
        ];
        let expected_count = 1 + set.iter().filter(|v| v.is_some()).count();
        assert_eq!(cloudevent.iter_extensions().count(), expected_count);
    }
}

#[test]
fn structured_json_has_the_cloudevents_member_names() {
    let event = event_of(sample_payload(EventType::TaskOverdue), full_metadata());

    let json = event.to_structured_json();

    assert_eq!(json["specversion"], "1.0");
    assert_eq!(json["type"], "task.overdue");
    assert_eq!(json["source"], SOURCE);
    assert_eq!(json["subject"], "task/42");
    assert_eq!(json["time"], "2025-03-01T10:15:30.123456789Z");
    assert_eq!(json["datacontenttype"], "application/json");
    assert_eq!(json["dataschema"], "urn:evolution-of-todo:schema:task.overdue:v1");
    assert_eq!(json["eventversion"], "1");
    assert_eq!(json["userid"], "user-1");
    assert_eq!(json["data"]["days_overdue"], 3);
    assert!(json.get("data_base64").is_none());
}

#[test]
fn a_domain_event_with_a_later_version_names_that_version() {
    let mut event = event_of(sample_payload(EventType::TaskCreated), EventMetadata::default());
    event.version = 2;

    let cloudevent = event.to_cloudevent();

    assert_eq!(extension(&cloudevent, "eventversion").as_deref(), Some("2"));
    assert_eq!(
        cloudevent.dataschema().map(|u| u.to_string()),
        Some("urn:evolution-of-todo:schema:task.created:v2".to_owned())
    );
    // No v2 schema exists yet, so reading it back is refused rather than guessed.
    assert_eq!(
        DomainEvent::from_cloudevent(&cloudevent),
        Err(Error::UnknownVersion {
            event_type: EventType::TaskCreated,
            version: 2
        })
    );
}
