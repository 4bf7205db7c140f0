//! Stored CloudEvents, as another producer or a Knative/Kafka binding would deliver them, decode to the
//! expected domain events.

use std::collections::BTreeMap;

use cloudevents::Event;
use cloudevents::event::{EventBuilder, EventBuilderV10};
use serde_json::Value;
use todo_events::{DomainEvent, EventMetadata, EventPayload, TaskCompleted};

use crate::helpers::{SOURCE, at, task_created};

const STRUCTURED_TASK_CREATED: &str = include_str!("../data/task_created.structured.json");
const BINARY_TASK_COMPLETED_HEADERS: &str = include_str!("../data/task_completed.binary.headers.json");
const BINARY_TASK_COMPLETED_BODY: &str = include_str!("../data/task_completed.binary.body.json");

/// Builds the event an HTTP binding would build from binary-mode headers and body: `ce-` headers
/// become attributes or extensions, `content-type` the datacontenttype, the body the data bytes.
fn from_binary(headers: &BTreeMap<String, String>, body: &[u8]) -> Event {
    let mut builder = EventBuilderV10::new();
    let mut content_type = None;
    let mut dataschema = None;
    for (name, value) in headers {
        builder = match name.strip_prefix("ce-") {
            Some("specversion") => {
                assert_eq!(value, "1.0");
                builder
            }
            Some("id") => builder.id(value),
            Some("type") => builder.ty(value),
            Some("source") => builder.source(value),
            Some("subject") => builder.subject(value),
            Some("time") => builder.time(value.as_str()),
            Some("dataschema") => {
                dataschema = Some(value.clone());
                builder
            }
            Some(extension) => builder.extension(extension, value.as_str()),
            None if name == "content-type" => {
                content_type = Some(value.clone());
                builder
            }
            None => builder,
        };
    }
    let content_type = content_type.expect("binary mode carries a content-type");
    let builder = match dataschema {
        Some(schema) => builder.data_with_schema(content_type, schema, body.to_vec()),
        None => builder.data(content_type, body.to_vec()),
    };
    builder.build().expect("the fixture headers form a valid CloudEvent")
}

#[test]
fn a_structured_task_created_fixture_decodes_to_the_expected_event() -> Result<(), Box<dyn std::error::Error>> {
    // Arrange
    let json: Value = serde_json::from_str(STRUCTURED_TASK_CREATED)?;

    // Act
    let event = DomainEvent::from_structured_json(&json)?;

    // Assert
    assert_eq!(event.id.to_string(), "0195f0a0-7c1e-7b3a-9d2e-4f5a6b7c8d9e");
    assert_eq!(event.source, SOURCE);
    assert_eq!(event.time, at("2025-03-01T10:15:30.123Z"));
    assert_eq!(event.version, 1);
    assert_eq!(event.metadata, crate::helpers::full_metadata());
    assert_eq!(event.payload, EventPayload::TaskCreated(task_created()));
    Ok(())
}

#[test]
fn a_decoded_structured_fixture_encodes_back_to_the_same_document() -> Result<(), Box<dyn std::error::Error>> {
    let json: Value = serde_json::from_str(STRUCTURED_TASK_CREATED)?;

    let encoded = DomainEvent::from_structured_json(&json)?.to_structured_json();

    assert_eq!(encoded, json);
    Ok(())
}

#[test]
fn a_binary_mode_task_completed_fixture_decodes_to_the_expected_event() -> Result<(), Box<dyn std::error::Error>> {
    // Arrange
    let headers: BTreeMap<String, String> = serde_json::from_str(BINARY_TASK_COMPLETED_HEADERS)?;
    let cloudevent = from_binary(&headers, BINARY_TASK_COMPLETED_BODY.as_bytes());

    // Act
    let event = DomainEvent::from_cloudevent(&cloudevent)?;

    // Assert
    let expected = DomainEvent {
        id: "0195f0a1-0a2b-7c3d-8e4f-5a6b7c8d9e0f".parse()?,
        source: SOURCE.into(),
        time: at("2025-03-02T09:00:01Z"),
        version: 1,
        metadata: EventMetadata {
            correlation_id: Some("corr-7f3a".into()),
            traceparent: Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into()),
            ..EventMetadata::default()
        },
        payload: TaskCompleted {
            task_id: 42,
            completion_time: at("2025-03-02T09:00:00.5Z"),
            time_to_complete: 81_000,
        }
        .into(),
    };
    assert_eq!(event, expected);
    Ok(())
}

#[test]
fn a_binary_mode_fixture_with_a_broken_body_is_refused() -> Result<(), Box<dyn std::error::Error>> {
    let headers: BTreeMap<String, String> = serde_json::from_str(BINARY_TASK_COMPLETED_HEADERS)?;
    let body = BINARY_TASK_COMPLETED_BODY.replace("81000", "-5");
    let cloudevent = from_binary(&headers, body.as_bytes());

    let result = DomainEvent::from_cloudevent(&cloudevent);

    assert!(
        matches!(&result, Err(todo_events::Error::SchemaViolation { errors, .. })
            if errors.iter().any(|e| e.starts_with("/time_to_complete: "))),
        "{result:?}"
    );
    Ok(())
}
