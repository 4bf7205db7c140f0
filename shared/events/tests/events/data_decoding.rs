//! Reading a CloudEvent checks its data: declared as JSON, present, parseable, valid against the schema,
//! and decodable into the payload struct.

use serde_json::json;
use todo_events::{DomainEvent, Error, EventPayload, EventType};

use crate::helpers::{sample_payload, valid_cloudevent, with_data};

#[test]
fn data_that_is_not_declared_as_json_is_refused() {
    let (_, mut cloudevent) = valid_cloudevent();
    with_data(&mut cloudevent, "text/plain", "buy milk");

    let result = DomainEvent::from_cloudevent(&cloudevent);

    assert_eq!(result, Err(Error::UnsupportedContentType("text/plain".into())));
}

#[test]
fn json_data_as_bytes_with_a_charset_parameter_is_accepted() {
    let (event, mut cloudevent) = valid_cloudevent();
    let bytes = serde_json::to_vec(&event.payload.to_json()).expect("JSON encodes");
    with_data(&mut cloudevent, "application/json; charset=utf-8", bytes);

    assert_eq!(DomainEvent::from_cloudevent(&cloudevent), Ok(event));
}

#[test]
fn bytes_that_are_not_json_are_invalid_data() {
    let (_, mut cloudevent) = valid_cloudevent();
    with_data(&mut cloudevent, "application/json", b"{not json".to_vec());

    let result = DomainEvent::from_cloudevent(&cloudevent);

    assert!(matches!(result, Err(Error::InvalidData(_))), "{result:?}");
}

#[test]
fn an_event_without_data_is_refused() {
    let (_, mut cloudevent) = valid_cloudevent();
    let _ = cloudevent.take_data();

    let result = DomainEvent::from_cloudevent(&cloudevent);

    assert_eq!(result, Err(Error::MissingAttribute("data")));
}

#[test]
fn data_that_violates_the_schema_is_refused_before_decoding() {
    let (_, mut cloudevent) = valid_cloudevent();
    let mut data = sample_payload(EventType::TaskCreated).to_json();
    data["priority"] = json!("whenever");
    with_data(&mut cloudevent, "application/json", data);

    let result = DomainEvent::from_cloudevent(&cloudevent);

    assert!(
        matches!(&result, Err(Error::SchemaViolation { errors, .. }) if errors.len() == 1),
        "{result:?}"
    );
}

#[test]
fn decoding_data_with_an_unknown_field_is_invalid_data() {
    let data = json!({"task_id": 1, "deletion_reason": null, "by": "admin"});

    let result = EventPayload::from_json(EventType::TaskDeleted, &data);

    assert!(
        matches!(&result, Err(Error::InvalidData(message)) if message.contains("by")),
        "{result:?}"
    );
}
