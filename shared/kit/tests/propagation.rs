//! W3C trace context in and out of a span: a `traceparent` (with its `tracestate`) received from a
//! caller becomes the parent of our span, and what we hand on names our span in the same trace.

use opentelemetry::trace::TracerProvider as _;
use todo_kit::telemetry::propagation::{set_parent_with_state, traceparent_of, tracestate_of};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Kept alive for the whole test: a dropped provider stops giving spans ids.
static PROVIDER: std::sync::LazyLock<opentelemetry_sdk::trace::SdkTracerProvider> =
    std::sync::LazyLock::new(|| opentelemetry_sdk::trace::SdkTracerProvider::builder().build());

#[test]
fn a_received_context_is_continued_and_handed_on() {
    // Arrange
    tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(PROVIDER.tracer("test")))
        .try_init()
        .expect("the only subscriber of this test binary");
    let caller = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    // Act
    let span = tracing::info_span!("request");
    set_parent_with_state(&span, Some(caller), Some("vendor=abc,other=1"));
    let handed_on = traceparent_of(&span).expect("a traceparent");

    // Assert
    let parts: Vec<&str> = handed_on.split('-').collect();
    assert_eq!(parts[1], "4bf92f3577b34da6a3ce929d0e0e4736", "the caller's trace");
    assert_ne!(parts[2], "00f067aa0ba902b7", "our own span, not the caller's");
    assert_eq!(parts[3], "01", "the caller's sampling decision");
    assert_eq!(tracestate_of(&span).as_deref(), Some("vendor=abc,other=1"));

    let unrelated = tracing::info_span!("background");
    set_parent_with_state(&unrelated, Some("not-a-traceparent"), None);
    let own = traceparent_of(&unrelated).expect("a traceparent");
    assert!(
        !own.contains("4bf92f3577b34da6a3ce929d0e0e4736"),
        "a malformed parent starts a new trace"
    );
}
