//! Reading a CloudEvent checks its envelope: spec version, type, version, dataschema, id, time, subject
//! and metadata extensions.

use chrono::{DateTime, Utc};
use cloudevents::event::{AttributesReader, AttributesWriter, EventBuilder, EventBuilderV03};
use serde_json::json;
use todo_events::{DomainEvent, Error, EventMetadata, EventType};

use crate::helpers::{event_of, sample_payload, valid_cloudevent, with_data};

#[test]
fn a_cloudevent_of_spec_version_0_3_is_refused() {
    let cloudevent = EventBuilderV03::new()
        .id("0195f0a0-0000-7000-8000-000000000000")
        .source("/functions/task-api")
        .ty("task.deleted")
        .data("application/json", json!({"task_id": 1}))
        .build()
        .expect("a valid v0.3 event");

    let result = DomainEvent::from_cloudevent(&cloudevent);

    assert_eq!(result, Err(Error::UnsupportedSpecVersion("0.3".into())));
}

#[test]
fn an_unknown_type_is_refused() {
    let (_, mut cloudevent) = valid_cloudevent();
    cloudevent.set_type("task.archived");

    let result = DomainEvent::from_cloudevent(&cloudevent);

    assert_eq!(result, Err(Error::UnknownType("task.archived".into())));
}

#[test]
fn a_missing_eventversion_and_dataschema_mean_version_one() {
    let (event, mut cloudevent) = valid_cloudevent();
    cloudevent.remove_extension("eventversion");
    with_data(&mut cloudevent, "application/json", event.payload.to_json());

    let result = DomainEvent::from_cloudevent(&cloudevent);

    assert_eq!(cloudevent.dataschema(), None);
    assert_eq!(result, Ok(event));
}

#[test]
fn an_integer_eventversion_is_accepted() {
    let (event, mut cloudevent) = valid_cloudevent();
    cloudevent.set_extension("eventversion", 1_i64);

    assert_eq!(DomainEvent::from_cloudevent(&cloudevent), Ok(event));
}

#[test]
fn an_eventversion_that_is_not_a_number_is_refused() {
    let (_, mut cloudevent) = valid_cloudevent();
    cloudevent.set_extension("eventversion", "v1");

    let result = DomainEvent::from_cloudevent(&cloudevent);

    assert!(
        matches!(
            result,
            Err(Error::InvalidAttribute {
                name: "eventversion",
                ..
            })
        ),
        "{result:?}"
    );
}

#[test]
fn an_eventversion_without_a_schema_is_refused() {
    let (_, mut cloudevent) = valid_cloudevent();
    cloudevent.set_extension("eventversion", "3");
    with_data(
        &mut cloudevent,
        "application/json",
        sample_payload(EventType::TaskCreated).to_json(),
    );

    let result = DomainEvent::from_cloudevent(&cloudevent);

    assert_eq!(
        result,
        Err(Error::UnknownVersion {
            event_type: EventType::TaskCreated,
            version: 3
        })
    );
}

#[test]
fn a_dataschema_of_another_type_is_refused() {
    let (_, mut cloudevent) = valid_cloudevent();
    let other = event_of(sample_payload(EventType::TaskDeleted), EventMetadata::default());
    cloudevent.set_dataschema(other.to_cloudevent().dataschema().cloned());

    let result = DomainEvent::from_cloudevent(&cloudevent);

    assert!(
        matches!(result, Err(Error::InvalidAttribute { name: "dataschema", .. })),
        "{result:?}"
    );
}

#[test]
fn an_event_without_time_is_refused() {
    let (_, mut cloudevent) = valid_cloudevent();
    cloudevent.set_time(None::<DateTime<Utc>>);

    let result = DomainEvent::from_cloudevent(&cloudevent);

    assert_eq!(result, Err(Error::MissingAttribute("time")));
}

#[test]
fn an_id_that_is_not_a_uuid_is_refused() {
    let (_, mut cloudevent) = valid_cloudevent();
    cloudevent.set_id("event-1");

    let result = DomainEvent::from_cloudevent(&cloudevent);

    assert!(
        matches!(result, Err(Error::InvalidAttribute { name: "id", .. })),
        "{result:?}"
    );
}

#[test]
fn a_subject_that_disagrees_with_the_data_is_refused() {
    let (_, mut cloudevent) = valid_cloudevent();
    cloudevent.set_subject(Some("task/43"));

    let result = DomainEvent::from_cloudevent(&cloudevent);

    assert!(
        matches!(result, Err(Error::InvalidAttribute { name: "subject", .. })),
        "{result:?}"
    );
}

#[test]
fn a_metadata_extension_that_is_not_a_string_is_refused() {
    let (_, mut cloudevent) = valid_cloudevent();
    cloudevent.set_extension("userid", 7_i64);

    let result = DomainEvent::from_cloudevent(&cloudevent);

    assert!(
        matches!(result, Err(Error::InvalidAttribute { name: "userid", .. })),
        "{result:?}"
    );
}

#[test]
fn a_structured_document_without_an_id_is_malformed() {
    let (event, _) = valid_cloudevent();
    let mut json = event.to_structured_json();
    json.as_object_mut().map(|o| o.remove("id"));

    let result = DomainEvent::from_structured_json(&json);

    assert!(matches!(result, Err(Error::MalformedEnvelope(_))), "{result:?}");
}
