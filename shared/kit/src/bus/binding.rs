//! The CloudEvents Kafka protocol binding: an event as a record's headers and value.
//!
//! Binary content mode is what we write: `ce_`-prefixed headers for the attributes and extensions,
//! `content-type` for `datacontenttype`, the data as the value. Reading also accepts structured
//! mode (`content-type: application/cloudevents+json`, the whole event as JSON in the value), as
//! other producers may send it. No I/O here; both buses and the HTTP trigger's tests use it.

use chrono::{DateTime, Utc};
use cloudevents::Event;
use cloudevents::event::{
    AttributeValue, AttributesReader, AttributesWriter, Data, ExtensionValue, SpecVersion, TryIntoUrl,
};

/// Header names of the binding.
const PREFIX: &str = "ce_";
const CONTENT_TYPE: &str = "content-type";
const STRUCTURED: &str = "application/cloudevents+json";

/// A record as Kafka carries it: headers in order, and the value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// Header names and values.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The record value.
    pub value: Vec<u8>,
}

/// The binary-mode record of `event`.
pub fn encode(event: &Event) -> Record {
    let mut headers = Vec::new();
    for (name, value) in event.iter_attributes() {
        if name == "datacontenttype" {
            continue;
        }
        let text = match value {
            AttributeValue::Time(time) => time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            other => other.to_string(),
        };
        headers.push((format!("{PREFIX}{name}"), text.into_bytes()));
    }
    for (name, value) in event.iter_extensions() {
        headers.push((format!("{PREFIX}{name}"), value.to_string().into_bytes()));
    }
    let content_type = event.datacontenttype().unwrap_or("application/json").to_owned();
    headers.push((CONTENT_TYPE.to_owned(), content_type.into_bytes()));
    let value = match event.data() {
        Some(Data::Json(json)) => serde_json::to_vec(json).unwrap_or_default(),
        Some(Data::String(text)) => text.clone().into_bytes(),
        Some(Data::Binary(bytes)) => bytes.clone(),
        None => Vec::new(),
    };
    Record { headers, value }
}

fn header<'a>(record: &'a Record, name: &str) -> Option<&'a str> {
    record
        .headers
        .iter()
        .rev()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .and_then(|(_, v)| std::str::from_utf8(v).ok())
}

/// The event a record carries, in binary or structured mode.
///
/// # Errors
/// A readable reason when the record is not a CloudEvent (missing or malformed attributes).
pub fn decode(record: &Record) -> Result<Event, String> {
    let content_type = header(record, CONTENT_TYPE);
    if content_type.is_some_and(|c| c.starts_with(STRUCTURED)) {
        return serde_json::from_slice::<Event>(&record.value).map_err(|e| format!("structured CloudEvent: {e}"));
    }
    let required =
        |name: &str| header(record, &format!("{PREFIX}{name}")).ok_or_else(|| format!("missing header {PREFIX}{name}"));
    let spec = required("specversion")?;
    if spec != "1.0" {
        return Err(format!("unsupported specversion {spec}"));
    }
    let mut event = Event::default();
    event.set_id(required("id")?);
    event.set_source(required("source")?);
    event.set_type(required("type")?);
    event.set_subject(header(record, "ce_subject"));
    if let Some(time) = header(record, "ce_time") {
        let time = DateTime::parse_from_rfc3339(time).map_err(|e| format!("ce_time: {e}"))?;
        event.set_time(Some(time.with_timezone(&Utc)));
    }
    if let Some(schema) = header(record, "ce_dataschema") {
        event.set_dataschema(Some(schema.into_url().map_err(|e| format!("ce_dataschema: {e}"))?));
    }
    for (name, value) in &record.headers {
        let Some(extension) = name.strip_prefix(PREFIX) else {
            continue;
        };
        if [
            "specversion",
            "id",
            "source",
            "type",
            "subject",
            "time",
            "dataschema",
            "datacontenttype",
        ]
        .contains(&extension)
        {
            continue;
        }
        let value = String::from_utf8(value.clone()).map_err(|_| format!("header {name} is not UTF-8"))?;
        event.set_extension(extension, ExtensionValue::String(value));
    }
    let content_type = content_type.unwrap_or("application/json").to_owned();
    if !record.value.is_empty() {
        if content_type.contains("json") {
            let json: serde_json::Value =
                serde_json::from_slice(&record.value).map_err(|e| format!("data is not JSON: {e}"))?;
            event.set_data(content_type, json);
        } else {
            event.set_data(content_type, record.value.clone());
        }
    }
    debug_assert_eq!(event.specversion(), SpecVersion::V10);
    Ok(event)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Event {
        let mut event = Event::default();
        event.set_id("7d1c5c43-0000-7000-8000-000000000001");
        event.set_source("/functions/task-api");
        event.set_type("task.created");
        event.set_subject(Some("task/1"));
        event.set_time(Some(
            DateTime::parse_from_rfc3339("2026-11-26T12:00:00.5Z")
                .expect("time")
                .with_timezone(&Utc),
        ));
        event.set_data("application/json", serde_json::json!({"task_id": 1}));
        event.set_extension("correlationid", "c-1");
        event
    }

    #[test]
    fn binary_mode_round_trips_every_attribute() {
        let event = sample();
        let record = encode(&event);
        assert!(
            record
                .headers
                .iter()
                .any(|(n, v)| n == "ce_type" && v == b"task.created")
        );
        assert!(
            record
                .headers
                .iter()
                .any(|(n, v)| n == "content-type" && v == b"application/json")
        );
        assert_eq!(record.value, br#"{"task_id":1}"#);
        assert_eq!(decode(&record), Ok(event));
    }

    #[test]
    fn structured_mode_is_read_too() {
        let event = sample();
        let record = Record {
            headers: vec![("content-type".into(), STRUCTURED.as_bytes().to_vec())],
            value: serde_json::to_vec(&event).expect("json"),
        };
        assert_eq!(decode(&record), Ok(event));
    }

    #[test]
    fn records_that_are_not_cloudevents_are_refused_with_a_reason() {
        let mut record = encode(&sample());
        record.headers.retain(|(n, _)| n != "ce_id");
        assert_eq!(decode(&record), Err("missing header ce_id".into()));
        let garbage = Record {
            headers: encode(&sample()).headers,
            value: b"{not json".to_vec(),
        };
        assert!(decode(&garbage).is_err_and(|e| e.starts_with("data is not JSON")));
    }
}
