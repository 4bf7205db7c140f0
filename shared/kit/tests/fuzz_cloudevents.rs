//! Fuzzing the CloudEvents bindings: any Kafka record (headers in binary mode, a structured JSON
//! value, or neither) decodes to an event or a readable reason, never a panic; and any event that
//! decodes is a catalog event or refused as one (`DomainEvent::from_cloudevent`), never a panic.
//! `PROPTEST_CASES` sets the cases (`make fuzz` runs many more); failing inputs are kept in
//! `proptest-regressions/` and replayed first.

use proptest::prelude::*;
use todo_kit::bus::binding::{Record, decode, encode};

fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "ce_specversion",
            "ce_id",
            "ce_source",
            "ce_type",
            "ce_time",
            "ce_subject",
            "ce_dataschema",
            "content-type",
            "ce_eventversion",
            "ce_correlationid",
            "ce_traceparent",
            "ce_userid",
        ])
        .prop_map(str::to_owned),
        "[a-zA-Z_-]{0,12}",
    ]
}

fn header_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"1.0".to_vec()),
        Just(b"application/cloudevents+json".to_vec()),
        Just(b"application/json".to_vec()),
        Just(b"task.created".to_vec()),
        Just(b"2026-02-30T25:00:00Z".to_vec()),
        prop::collection::vec(any::<u8>(), 0..40),
        "\\PC{0,30}".prop_map(String::into_bytes),
    ]
}

fn value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..200),
        "\\PC{0,200}".prop_map(String::into_bytes),
        Just(br#"{"specversion":"1.0","id":"1","source":"/x","type":"task.created","data":{"task_id":"x"}}"#.to_vec()),
        Just(br#"{"specversion":"1.0","id":"1","source":"/x","type":"task.created","datacontenttype":"application/json","data":{"task_id":1}}"#.to_vec()),
    ]
}

proptest! {
    #[test]
    fn any_record_decodes_or_says_why(headers in prop::collection::vec((header_name(), header_value()), 0..12), value in value()) {
        let record = Record { headers, value };
        if let Ok(event) = decode(&record) {
            // A decoded event re-encodes, and a catalog check never panics either.
            let _ = encode(&event);
            let _ = todo_events::DomainEvent::from_cloudevent(&event);
        }
    }
}
