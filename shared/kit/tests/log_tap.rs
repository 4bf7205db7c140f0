//! The log tap through the real subscriber: with the tap enabled before `telemetry::init`,
//! warnings and errors are kept as our JSON lines (with their span's fields, such as `consumer`);
//! info lines are not kept. Its own binary: `init`
//! installs the process's global subscriber once.

use chrono::{TimeDelta, Utc};
use serde_json::Value;
use todo_kit::telemetry;

#[test]
fn warnings_and_errors_are_kept_with_their_span_fields_and_info_is_not() {
    // Arrange
    let tap = telemetry::tap::enable(100);
    telemetry::init("tap-test");
    let before = Utc::now() - TimeDelta::seconds(1);

    // Act
    tracing::info!("starting");
    tracing::info_span!("consume", consumer = "notifier").in_scope(|| {
        tracing::warn!(attempt = 2, "handler failed; retrying");
        tracing::error!(offset = 7, "event sent to dead-letter");
    });

    // Assert
    let lines: Vec<Value> = tap
        .between(before, Utc::now() + TimeDelta::seconds(1))
        .iter()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["level"], "WARN");
    assert_eq!(lines[0]["message"], "handler failed; retrying");
    assert_eq!(lines[0]["consumer"], "notifier");
    assert_eq!(lines[0]["service"], "tap-test");
    assert_eq!(lines[1]["level"], "ERROR");
    assert_eq!(lines[1]["offset"], 7);
    assert!(telemetry::tap::get().is_some());
}
