//! The one error type of this crate: what can go wrong when an event is named, validated or decoded.
//!
//! Every variant describes bad input (an event this catalog cannot accept), so a consumer treats all of
//! them as poison: retrying the same event cannot succeed.

use crate::catalog::EventType;

/// `Result` with this crate's [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why an event could not be named, validated, encoded or decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The CloudEvent `type` is not in the catalog.
    #[error("unknown event type `{0}`")]
    UnknownType(String),

    /// The catalog has no schema for this version of the type.
    #[error("no schema for event type `{event_type}` version {version}")]
    UnknownVersion {
        /// The type that was asked for.
        event_type: EventType,
        /// The version that has no schema.
        version: u32,
    },

    /// The data does not match the JSON Schema of its type.
    #[error(
        "data of event type `{event_type}` violates its schema: {}",
        errors.join("; ")
    )]
    SchemaViolation {
        /// The type whose schema was applied.
        event_type: EventType,
        /// Every violation, each as `<JSON pointer>: <message>`.
        errors: Vec<String>,
    },

    /// A CloudEvent attribute this catalog requires is absent.
    #[error("CloudEvent is missing required attribute `{0}`")]
    MissingAttribute(&'static str),

    /// A CloudEvent attribute or extension is present but has a value this catalog rejects.
    #[error("CloudEvent attribute `{name}` is invalid: {reason}")]
    InvalidAttribute {
        /// Name of the attribute or extension.
        name: &'static str,
        /// What is wrong with its value.
        reason: String,
    },

    /// The CloudEvent uses a spec version other than 1.0.
    #[error("unsupported CloudEvents specversion `{0}`, expected `1.0`")]
    UnsupportedSpecVersion(String),

    /// The CloudEvent data is not declared as JSON.
    #[error("unsupported datacontenttype `{0}`, expected `application/json`")]
    UnsupportedContentType(String),

    /// A structured-mode document is not a well-formed CloudEvent.
    #[error("malformed structured CloudEvent: {0}")]
    MalformedEnvelope(String),

    /// The data passed the schema (or was not checked) but cannot be decoded into the payload struct.
    #[error("invalid event data: {0}")]
    InvalidData(String),

    /// An embedded schema document failed to compile. A bug in this crate, caught by its tests.
    #[error("schema of event type `{event_type}` version {version} does not compile: {reason}")]
    InvalidSchema {
        /// The type whose schema is broken.
        event_type: EventType,
        /// The version whose schema is broken.
        version: u32,
        /// The compiler's message.
        reason: String,
    },
}
