//! One JSON log line: ours (`todo_kit::telemetry::json`, `message` and `service` at the top
//! level) or tracing-subscriber's own JSON format (`message` under `fields`). Anything else on
//! the stream (a panic message, a banner, a truncated line) is not a log line and is skipped.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Severity, in tracing's order: `Error` is the most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
}

impl FromStr for Level {
    type Err = String;

    /// `ERROR`, `error`, `Warning` ...
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "trace" => Ok(Self::Trace),
            "debug" => Ok(Self::Debug),
            "info" => Ok(Self::Info),
            "warn" | "warning" => Ok(Self::Warn),
            "error" | "err" => Ok(Self::Error),
            other => Err(format!("`{other}` is not a log level")),
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Trace => "TRACE",
            Self::Debug => "DEBUG",
            Self::Info => "INFO",
            Self::Warn => "WARN",
            Self::Error => "ERROR",
        })
    }
}

/// What template mining and burst detection need of a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    pub timestamp: DateTime<Utc>,
    pub level: Level,
    /// The Rust module that logged it (`task_api::routes::create`); empty if absent.
    pub target: String,
    /// Empty when the event had only fields.
    pub message: String,
    /// The component that wrote it, when the line says (ours do): its `consumer` field (an event
    /// consumer, which may share a process with others, as under `todo serve`), else its `service`.
    pub service: Option<String>,
}

#[derive(Deserialize)]
struct RawLine {
    timestamp: String,
    level: String,
    #[serde(default)]
    target: String,
    message: Option<serde_json::Value>,
    service: Option<String>,
    consumer: Option<String>,
    #[serde(default)]
    fields: RawFields,
}

#[derive(Default, Deserialize)]
struct RawFields {
    message: Option<serde_json::Value>,
    service: Option<String>,
    consumer: Option<String>,
}

impl LogLine {
    /// Parses one line; `None` if it is not a JSON object with an RFC 3339 `timestamp` and a `level`.
    pub fn parse(line: &str) -> Option<Self> {
        let line = line.trim();
        if !line.starts_with('{') {
            return None;
        }
        let raw: RawLine = serde_json::from_str(line).ok()?;
        Some(Self {
            timestamp: DateTime::parse_from_rfc3339(&raw.timestamp).ok()?.with_timezone(&Utc),
            level: raw.level.parse().ok()?,
            target: raw.target,
            message: raw.message.or(raw.fields.message).map(text).unwrap_or_default(),
            service: raw
                .consumer
                .or(raw.fields.consumer)
                .or(raw.service)
                .or(raw.fields.service),
        })
    }
}

/// A message as text: strings as they are, anything else (a number, an object) as JSON.
fn text(value: serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    }
}
