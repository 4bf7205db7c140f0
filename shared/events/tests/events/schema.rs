//! The JSON Schemas exist for every type, compile, and agree with the payload structs.

use std::collections::BTreeSet;

use serde_json::Value;
use todo_events::{EVENT_VERSION, Error, EventType, schema_document, validate};

use crate::helpers::sample_payload;

fn document(event_type: EventType) -> Value {
    let text = schema_document(event_type, EVENT_VERSION).expect("every type has a v1 schema");
    serde_json::from_str(text).expect("schema documents are JSON")
}

#[test]
fn every_event_type_has_a_schema_that_compiles_and_accepts_its_sample() {
    for event_type in EventType::ALL {
        let data = sample_payload(event_type).to_json();
        assert_eq!(validate(event_type, 1, &data), Ok(()), "{event_type}");
    }
}

#[test]
fn every_schema_is_a_closed_2020_12_object_identified_by_its_dataschema() {
    for event_type in EventType::ALL {
        let schema = document(event_type);
        assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
        assert_eq!(schema["$id"], event_type.dataschema(1), "{event_type}");
        assert_eq!(schema["type"], "object", "{event_type}");
        assert_eq!(schema["additionalProperties"], false, "{event_type}");
    }
}

#[test]
fn every_schema_declares_exactly_the_fields_of_its_payload_struct() {
    for event_type in EventType::ALL {
        let schema = document(event_type);
        let declared: BTreeSet<&str> = schema["properties"]
            .as_object()
            .map(|p| p.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let data = sample_payload(event_type).to_json();
        let serialized: BTreeSet<&str> = data
            .as_object()
            .map(|d| d.keys().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(declared, serialized, "{event_type}");
        for required in schema["required"].as_array().into_iter().flatten() {
            let name = required.as_str().unwrap_or_default();
            assert!(declared.contains(name), "{event_type}: {name}");
        }
    }
}

#[test]
fn there_is_no_schema_for_an_unknown_version() {
    assert_eq!(schema_document(EventType::TaskCreated, 2), None);
    assert_eq!(schema_document(EventType::TaskCreated, 0), None);
    assert_eq!(
        validate(
            EventType::TaskCreated,
            2,
            &sample_payload(EventType::TaskCreated).to_json()
        ),
        Err(Error::UnknownVersion {
            event_type: EventType::TaskCreated,
            version: 2
        })
    );
}
