//! W3C trace context across process boundaries: a span's parent from a `traceparent` (an HTTP
//! header, a CloudEvent's extension, an outbox row), and the `traceparent` of the current span to
//! hand on. Without an OpenTelemetry layer spans have no context: [`current_traceparent`] is then
//! `None` and callers pass on the `traceparent` they received, so traces still join up downstream.

use std::collections::HashMap;

use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::TraceContextExt;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use tracing::Span;
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// Makes the span continue the trace of `traceparent` (ignored when absent or malformed).
pub fn set_parent(span: &Span, traceparent: Option<&str>) {
    set_parent_with_state(span, traceparent, None);
}

/// [`set_parent`] with the caller's W3C `tracestate` (vendor data that travels with the trace).
pub fn set_parent_with_state(span: &Span, traceparent: Option<&str>, tracestate: Option<&str>) {
    let Some(traceparent) = traceparent else {
        return;
    };
    let mut carrier = HashMap::from([("traceparent".to_owned(), traceparent.to_owned())]);
    if let Some(tracestate) = tracestate {
        carrier.insert("tracestate".to_owned(), tracestate.to_owned());
    }
    let context = TraceContextPropagator::new().extract(&carrier);
    if context.span().span_context().is_valid() {
        let _ = span.set_parent(context);
    }
}

/// The `traceparent` of the current span, when tracing is on.
pub fn current_traceparent() -> Option<String> {
    traceparent_of(&Span::current())
}

/// The `traceparent` of `span`, when tracing is on.
pub fn traceparent_of(span: &Span) -> Option<String> {
    let context = span.context();
    let span_ref = context.span();
    let ids = span_ref.span_context();
    ids.is_valid().then(|| {
        format!(
            "00-{}-{}-{:02x}",
            ids.trace_id(),
            ids.span_id(),
            ids.trace_flags().to_u8()
        )
    })
}

/// The W3C `tracestate` of `span`, when tracing is on and it has one.
pub fn tracestate_of(span: &Span) -> Option<String> {
    let context = span.context();
    let state = context.span().span_context().trace_state().header();
    (!state.is_empty()).then_some(state)
}

/// The trace and span ids of the current span, as hex, when tracing is on.
pub fn current_ids() -> Option<(String, String)> {
    let context = Span::current().context();
    let span_ref = context.span();
    let ids = span_ref.span_context();
    ids.is_valid()
        .then(|| (ids.trace_id().to_string(), ids.span_id().to_string()))
}
