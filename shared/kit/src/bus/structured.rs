//! A structured-mode CloudEvent (the JSON text the outboxes store) read for publishing: the
//! attributes become the event's, and the data stays JSON text instead of becoming a
//! `serde_json::Value`. The relay publishes every outbox row this way, and building the data's
//! tree (a map per object) and writing it out again was most of its CPU per event (`perf` in
//! `make bench`'s relay run: B-tree inserts and drops, the Value visitor, malloc and free). The
//! binding writes text data as it is, so the record is the same, and a consumer reads it the
//! same way (`Data::String` JSON is parsed where `Data::Json` would be read).
//!
//! Anything this reader does not expect (data in base64, a data content type that is not JSON, a
//! content type or schema without data, an extension that is neither a string, a boolean nor an
//! integer) goes through the
//! CloudEvents SDK's own reader instead, so every event reads exactly as before.

use chrono::{DateTime, Utc};
use cloudevents::event::ExtensionValue;
use cloudevents::{Event, EventBuilder, EventBuilderV10};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// The event of a structured-mode CloudEvent's JSON text, its data kept as compact JSON text.
///
/// # Errors
/// A readable reason when `text` is not a CloudEvent.
pub fn read_structured(text: &str) -> Result<Event, String> {
    let fields = Fields::read(text).map_err(|e| e.to_string())?;
    match fields.event() {
        Some(event) => event,
        None => serde_json::from_str::<Event>(text).map_err(|e| e.to_string()),
    }
}

/// The top-level members of the event object, their values still as text.
struct Fields<'a>(Vec<(&'a str, &'a RawValue)>);

impl<'a> Fields<'a> {
    fn read(text: &'a str) -> serde_json::Result<Self> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let fields = (&mut deserializer).deserialize_map(FieldsVisitor)?;
        deserializer.end()?;
        Ok(fields)
    }

    /// The event, `None` when it needs the SDK's reader, or why it is not a CloudEvent.
    fn event(&self) -> Option<Result<Event, String>> {
        let mut event = EventBuilderV10::new();
        let (mut spec, mut data, mut content_type, mut schema) = (None, None, None, None);
        for &(name, value) in &self.0 {
            let invalid = || Some(Err(format!("the attribute {name} is not valid")));
            match name {
                "specversion" => spec = Some(text(value)?),
                "id" | "source" | "type" | "subject" => {
                    let Some(value) = text(value) else {
                        return invalid();
                    };
                    event = match name {
                        "id" => event.id(value),
                        "source" => event.source(value),
                        "type" => event.ty(value),
                        _ => event.subject(value),
                    };
                }
                "time" => match text(value).map(|t| DateTime::parse_from_rfc3339(&t)) {
                    Some(Ok(time)) => event = event.time(time.with_timezone(&Utc)),
                    _ => return invalid(),
                },
                "datacontenttype" => content_type = Some(text(value)?),
                "data" => data = Some(value).filter(|raw| raw.get() != "null"),
                "dataschema" => schema = Some(text(value)?),
                // Data in base64 is the SDK's to read.
                "data_base64" => return None,
                extension => event = event.extension(extension, extension_value(value)?),
            }
        }
        if spec.as_deref() != Some("1.0") {
            return None;
        }
        if let Some(data) = data {
            let content_type = content_type.unwrap_or_else(|| "application/json".to_owned());
            // Text data is a JSON string in the structured form: the SDK unwraps it.
            if !content_type.contains("json") {
                return None;
            }
            let data = compact(data.get());
            event = match schema {
                Some(schema) => event.data_with_schema(content_type, schema.as_str(), data),
                None => event.data(content_type, data),
            };
        } else if content_type.is_some() || schema.is_some() {
            return None;
        }
        Some(event.build().map_err(|e| e.to_string()))
    }
}

struct FieldsVisitor;

impl<'de> Visitor<'de> for FieldsVisitor {
    type Value = Fields<'de>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a CloudEvent in structured JSON")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
        let mut fields = Vec::with_capacity(12);
        while let Some(entry) = map.next_entry::<&'de str, &'de RawValue>()? {
            fields.push(entry);
        }
        Ok(Fields(fields))
    }
}

/// A JSON string's value; `None` for anything else.
fn text(raw: &RawValue) -> Option<String> {
    serde_json::from_str::<String>(raw.get()).ok()
}

/// An extension's value: a string, a boolean or an integer, as CloudEvents allows.
fn extension_value(raw: &RawValue) -> Option<ExtensionValue> {
    match raw.get().as_bytes().first()? {
        b'"' => text(raw).map(ExtensionValue::String),
        b't' | b'f' => serde_json::from_str::<bool>(raw.get())
            .ok()
            .map(ExtensionValue::Boolean),
        _ => serde_json::from_str::<i64>(raw.get()).ok().map(ExtensionValue::Integer),
    }
}

/// `json` without the whitespace between its tokens (PostgreSQL writes `jsonb` with a space after
/// every `:` and `,`); strings are kept as they are, escapes included.
fn compact(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if !c.is_ascii_whitespace() {
            in_string = c == '"';
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bus::binding::{decode, encode};
    use cloudevents::event::AttributesReader;

    /// What PostgreSQL gives back for a `jsonb` event: sorted keys, a space after `:` and `,`.
    const STORED: &str = r#"{"id": "e-1", "data": {"task": {"id": 7, "tags": ["a b", "c"], "title": "say \"hi\",  then: go"}}, "time": "2026-11-26T12:00:00.5Z", "type": "task.created", "source": "/functions/task-api", "userid": "alice", "subject": "task/7", "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "specversion": "1.0", "dataschema": "urn:evolution-of-todo:schema:task.created:v1", "eventversion": 1, "datacontenttype": "application/json"}"#;

    #[test]
    fn reads_the_same_event_as_the_sdk_with_the_data_as_compact_text() {
        let fast = read_structured(STORED).expect("event");
        let sdk: Event = serde_json::from_str(STORED).expect("sdk");
        assert_eq!(fast.id(), sdk.id());
        assert_eq!(fast.source(), sdk.source());
        assert_eq!(fast.ty(), sdk.ty());
        assert_eq!(fast.subject(), sdk.subject());
        assert_eq!(fast.time(), sdk.time());
        assert_eq!(fast.datacontenttype(), Some("application/json"));
        assert_eq!(fast.dataschema(), sdk.dataschema());
        let mut fast_extensions: Vec<_> = fast.iter_extensions().map(|(k, v)| (k.to_owned(), v.clone())).collect();
        let mut sdk_extensions: Vec<_> = sdk.iter_extensions().map(|(k, v)| (k.to_owned(), v.clone())).collect();
        fast_extensions.sort_by(|a, b| a.0.cmp(&b.0));
        sdk_extensions.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(fast_extensions, sdk_extensions);
        assert_eq!(
            fast.data(),
            Some(&cloudevents::Data::String(
                r#"{"task":{"id":7,"tags":["a b","c"],"title":"say \"hi\",  then: go"}}"#.into()
            ))
        );
        // On the bus it is the same event: the record's value is the data, and a consumer reads
        // back what the SDK's event holds.
        assert_eq!(decode(&encode(&fast)), decode(&encode(&sdk)));
    }

    #[test]
    fn unusual_events_go_through_the_sdk_reader() {
        for text in [
            r#"{"specversion": "1.0", "id": "1", "source": "/s", "type": "t", "data_base64": "aGk="}"#,
            r#"{"specversion": "1.0", "id": "1", "source": "/s", "type": "t", "datacontenttype": "text/plain", "data": "hi"}"#,
            r#"{"specversion": "1.0", "id": "1", "source": "/s", "type": "t", "dataschema": "https://example.com/s"}"#,
        ] {
            let sdk: Event = serde_json::from_str(text).expect("sdk");
            assert_eq!(read_structured(text), Ok(sdk), "{text}");
        }
    }

    #[test]
    fn events_without_data_read_as_the_sdk_reads_them() {
        let text = r#"{"specversion": "1.0", "id": "1", "source": "/s", "type": "t"}"#;
        let sdk: Event = serde_json::from_str(text).expect("sdk");
        assert_eq!(read_structured(text), Ok(sdk));
    }

    #[test]
    fn what_is_not_a_cloudevent_is_refused_with_a_reason() {
        assert!(read_structured(r#"{"not": "a cloudevent"}"#).is_err());
        assert!(read_structured("[1, 2]").is_err());
        assert!(read_structured("{not json").is_err());
        assert_eq!(
            read_structured(r#"{"specversion": "1.0", "id": "1", "type": "t"}"#),
            Err("Missing required attribute source".into())
        );
        assert_eq!(
            read_structured(r#"{"specversion": "1.0", "id": 1, "source": "/s", "type": "t"}"#),
            Err("the attribute id is not valid".into())
        );
        assert!(
            read_structured(r#"{"specversion": "1.0", "id": "1", "source": "/s", "type": "t", "time": "yesterday"}"#)
                .is_err()
        );
    }

    #[test]
    fn compact_keeps_strings_whole() {
        assert_eq!(
            compact(r#"{"a": [1, 2], "b": "x \" y\\", "c": "\\"}"#),
            r#"{"a":[1,2],"b":"x \" y\\","c":"\\"}"#
        );
    }
}
