//! The JSON log line: the fields Loki's pipeline and our LogQL queries rely on, at the top level,
//! with the trace and span ids of the span the event happened in.

use std::io::Write;
use std::sync::{Arc, Mutex};

use opentelemetry::trace::TracerProvider as _;
use serde_json::Value;
use todo_kit::telemetry::json::JsonLines;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Log output kept in memory.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("buffer").extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn lines(buffer: &Buffer) -> Vec<Value> {
    let bytes = buffer.0.lock().expect("buffer").clone();
    String::from_utf8(bytes)
        .expect("UTF-8")
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is one JSON object"))
        .collect()
}

/// The provider behind the test tracer: dropping the last handle shuts it down, after which its
/// spans have no ids, so it lives as long as the test.
static PROVIDER: std::sync::LazyLock<opentelemetry_sdk::trace::SdkTracerProvider> =
    std::sync::LazyLock::new(|| opentelemetry_sdk::trace::SdkTracerProvider::builder().build());

/// Installs the JSON format as the global subscriber, as `telemetry::init` does (a scoped
/// subscriber cannot be asked for the current span while it formats an event), once per process:
/// the one test below owns it.
fn install(buffer: &Buffer) {
    let writer = buffer.clone();
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(move || writer.clone())
        .event_format(JsonLines::new("test-service"))
        .fmt_fields(tracing_subscriber::fmt::format::JsonFields::new());
    let otel = tracing_opentelemetry::layer().with_tracer(PROVIDER.tracer("test"));
    tracing_subscriber::registry()
        .with(fmt)
        .with(otel)
        .try_init()
        .expect("the only subscriber of this test binary");
}

#[test]
fn lines_have_the_standard_fields_the_span_fields_and_the_trace_ids() {
    // Arrange
    let buffer = Buffer::default();
    install(&buffer);

    // Act
    {
        let span = tracing::info_span!("request", route = "/api/tasks", request_id = "r-1");
        let _entered = span.enter();
        tracing::warn!(task_id = 42, attempts = 3u64, "something happened");
        let child = tracing::info_span!("child");
        let _child = child.enter();
        tracing::info!("in the child");
    }
    tracing::info!("outside any span");

    // Assert
    let lines = lines(&buffer);
    assert_eq!(lines.len(), 3, "{lines:?}");
    let line = &lines[0];
    assert_eq!(line["level"], "WARN");
    assert_eq!(line["service"], "test-service");
    assert_eq!(line["message"], "something happened");
    assert_eq!(line["task_id"], 42);
    assert_eq!(line["attempts"], 3);
    assert_eq!(line["route"], "/api/tasks");
    assert_eq!(line["request_id"], "r-1");
    let timestamp = line["timestamp"].as_str().expect("timestamp");
    assert!(chrono::DateTime::parse_from_rfc3339(timestamp).is_ok(), "{timestamp}");
    let trace_id = line["trace_id"].as_str().expect("trace_id");
    let span_id = line["span_id"].as_str().expect("span_id");
    assert_eq!((trace_id.len(), span_id.len()), (32, 16));
    assert!(trace_id.bytes().chain(span_id.bytes()).all(|b| b.is_ascii_hexdigit()));
    assert_eq!(lines[1]["trace_id"], line["trace_id"], "a child span keeps the trace");
    assert_ne!(lines[1]["span_id"], line["span_id"]);
    assert_eq!(
        lines[1]["route"], "/api/tasks",
        "the parent's fields reach the child's lines"
    );
    assert!(lines[2].get("trace_id").is_none(), "no span, no trace: {}", lines[2]);
}
