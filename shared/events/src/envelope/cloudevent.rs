//! [`DomainEvent`] to and from [`cloudevents::Event`] (CloudEvents 1.0), in memory and as
//! structured-mode JSON.
//!
//! Producing is infallible; consuming checks everything a foreign or old producer could get wrong, in
//! this order: spec version, type, event version, dataschema, content type, data against the schema,
//! then the envelope attributes.

use std::borrow::Cow;

use cloudevents::Event;
use cloudevents::event::{AttributesReader, AttributesWriter, Data, ExtensionValue, SpecVersion, TryIntoUrl};
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use super::{DomainEvent, EventMetadata};
use crate::catalog::EventType;
use crate::error::{Error, Result};
use crate::payloads::EventPayload;
use crate::schema;

const CONTENT_TYPE: &str = "application/json";
const EVENT_VERSION_EXT: &str = "eventversion";
const CORRELATION_ID_EXT: &str = "correlationid";
const CAUSATION_ID_EXT: &str = "causationid";
const USER_ID_EXT: &str = "userid";
const TRACEPARENT_EXT: &str = "traceparent";

/// Events published before `eventversion` existed were all version 1; this stays 1 when
/// [`crate::EVENT_VERSION`] moves on.
const VERSION_WHEN_ABSENT: u32 = 1;

impl DomainEvent {
    /// The CloudEvent of this event: `id`, `type`, `source`, `subject`, `time`, JSON `data` with its
    /// `dataschema`, the `eventversion` extension (a string), and one extension per metadata field that
    /// is set (`correlationid`, `causationid`, `userid`, `traceparent`).
    #[must_use]
    pub fn to_cloudevent(&self) -> Event {
        let event_type = self.event_type();
        let mut event = Event::default();
        event.set_id(self.id.to_string());
        event.set_source(self.source.clone());
        event.set_type(event_type.as_str());
        event.set_subject(Some(self.subject()));
        event.set_time(Some(self.time));
        event.set_data(CONTENT_TYPE, self.payload.to_json());
        // A `urn:` URI always parses as a URL, so `ok()` never drops it.
        event.set_dataschema(event_type.dataschema(self.version).into_url().ok());
        event.set_extension(EVENT_VERSION_EXT, self.version.to_string());
        let metadata = &self.metadata;
        for (name, value) in [
            (CORRELATION_ID_EXT, &metadata.correlation_id),
            (CAUSATION_ID_EXT, &metadata.causation_id),
            (USER_ID_EXT, &metadata.user_id),
            (TRACEPARENT_EXT, &metadata.traceparent),
        ] {
            if let Some(value) = value {
                event.set_extension(name, value.as_str());
            }
        }
        event
    }

    /// Reads a CloudEvent produced by [`to_cloudevent`](Self::to_cloudevent) (or by any producer that
    /// follows the catalog). A missing `eventversion` means version 1; `dataschema` and `subject`, when
    /// present, must match the type, version and payload.
    ///
    /// # Errors
    ///
    /// [`Error::UnsupportedSpecVersion`], [`Error::UnknownType`], [`Error::UnknownVersion`],
    /// [`Error::UnsupportedContentType`], [`Error::MissingAttribute`] (`data`, `time`),
    /// [`Error::InvalidAttribute`], [`Error::SchemaViolation`] or [`Error::InvalidData`].
    pub fn from_cloudevent(event: &Event) -> Result<DomainEvent> {
        if event.specversion() != SpecVersion::V10 {
            return Err(Error::UnsupportedSpecVersion(event.specversion().to_string()));
        }
        let event_type = EventType::parse(event.ty()).ok_or_else(|| Error::UnknownType(event.ty().to_owned()))?;
        let version = event_version(event)?;
        if let Some(dataschema) = event.dataschema() {
            let expected = event_type.dataschema(version);
            if dataschema.as_str() != expected {
                return Err(invalid(
                    "dataschema",
                    format!("`{dataschema}` does not match the expected `{expected}`"),
                ));
            }
        }
        if let Some(content_type) = event.datacontenttype()
            && !is_json(content_type)
        {
            return Err(Error::UnsupportedContentType(content_type.to_owned()));
        }

        let data = json_data(event)?;
        schema::validate(event_type, version, &data)?;
        let payload = EventPayload::from_json(event_type, &data)?;

        let id =
            Uuid::parse_str(event.id()).map_err(|e| invalid("id", format!("`{}` is not a UUID: {e}", event.id())))?;
        let time = *event.time().ok_or(Error::MissingAttribute("time"))?;
        if let Some(subject) = event.subject() {
            let expected = payload.subject();
            if subject != expected {
                return Err(invalid(
                    "subject",
                    format!("`{subject}` does not match the data, which is about `{expected}`"),
                ));
            }
        }
        let metadata = EventMetadata {
            correlation_id: string_extension(event, CORRELATION_ID_EXT)?,
            causation_id: string_extension(event, CAUSATION_ID_EXT)?,
            user_id: string_extension(event, USER_ID_EXT)?,
            traceparent: string_extension(event, TRACEPARENT_EXT)?,
        };
        Ok(DomainEvent {
            id,
            source: event.source().clone(),
            time,
            version,
            metadata,
            payload,
        })
    }

    /// The structured-mode JSON document (`application/cloudevents+json`) of
    /// [`to_cloudevent`](Self::to_cloudevent).
    #[must_use]
    pub fn to_structured_json(&self) -> Value {
        // An `Event` is a map with string keys and JSON values; serializing it cannot fail.
        serde_json::to_value(self.to_cloudevent()).expect("a CloudEvent always serializes to JSON")
    }

    /// Reads a structured-mode CloudEvent JSON document.
    ///
    /// # Errors
    ///
    /// [`Error::MalformedEnvelope`] when `value` is not a CloudEvent at all (missing `id`, `source`,
    /// `type` or `specversion`, unknown spec version, bad `time`), otherwise as
    /// [`from_cloudevent`](Self::from_cloudevent).
    pub fn from_structured_json(value: &Value) -> Result<DomainEvent> {
        let event = Event::deserialize(value).map_err(|e| Error::MalformedEnvelope(e.to_string()))?;
        DomainEvent::from_cloudevent(&event)
    }
}

fn event_version(event: &Event) -> Result<u32> {
    let version = match event.extension(EVENT_VERSION_EXT) {
        None => return Ok(VERSION_WHEN_ABSENT),
        Some(ExtensionValue::String(s)) => s.parse::<u32>().ok(),
        Some(ExtensionValue::Integer(i)) => u32::try_from(*i).ok(),
        Some(ExtensionValue::Boolean(_)) => None,
    };
    version.ok_or_else(|| {
        let value = event.extension(EVENT_VERSION_EXT).map(ToString::to_string);
        invalid(
            EVENT_VERSION_EXT,
            format!("`{}` is not a version number", value.unwrap_or_default()),
        )
    })
}

/// The data as JSON, whether the event carries it parsed (structured mode) or as text or bytes
/// (binary mode).
fn json_data(event: &Event) -> Result<Cow<'_, Value>> {
    let not_json = |e: serde_json::Error| Error::InvalidData(format!("data is not JSON: {e}"));
    match event.data() {
        None => Err(Error::MissingAttribute("data")),
        Some(Data::Json(value)) => Ok(Cow::Borrowed(value)),
        Some(Data::String(text)) => serde_json::from_str(text).map(Cow::Owned).map_err(not_json),
        Some(Data::Binary(bytes)) => serde_json::from_slice(bytes).map(Cow::Owned).map_err(not_json),
    }
}

/// `application/json`, `text/json` or any `+json` media type, parameters such as `charset` ignored.
fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence == "text/json" || essence.ends_with("+json")
}

fn string_extension(event: &Event, name: &'static str) -> Result<Option<String>> {
    match event.extension(name) {
        None => Ok(None),
        Some(ExtensionValue::String(value)) => Ok(Some(value.clone())),
        Some(other) => Err(invalid(name, format!("`{other}` is not a string"))),
    }
}

fn invalid(name: &'static str, reason: String) -> Error {
    Error::InvalidAttribute { name, reason }
}
