//! The request context carried from an incoming request into the events it causes: request id,
//! correlation id and W3C trace parent.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::convert::Infallible;

/// Header carrying a caller-chosen correlation id across services.
pub const CORRELATION_ID: &str = "x-correlation-id";
/// Header carrying the request id (set by the request-id layer when the caller sent none).
pub const REQUEST_ID: &str = "x-request-id";
/// W3C trace context header.
pub const TRACEPARENT: &str = "traceparent";

/// Ids that tie a request to its logs, its events and its trace.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestContext {
    /// This request's id.
    pub request_id: Option<String>,
    /// The caller's correlation id, or the request id when the caller sent none.
    pub correlation_id: Option<String>,
    /// The W3C `traceparent` to continue: this request's span when tracing is on, else the caller's.
    pub traceparent: Option<String>,
}

fn header(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty() && v.len() <= 128)
        .map(str::to_owned)
}

/// True for `version-traceid-parentid-flags` with the lengths and hex digits W3C requires.
pub fn is_valid_traceparent(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    parts.len() == 4
        && [2, 32, 16, 2]
            .iter()
            .zip(&parts)
            .all(|(len, part)| part.len() == *len && part.bytes().all(|b| b.is_ascii_hexdigit()))
        && parts[1] != "00000000000000000000000000000000"
        && parts[2] != "0000000000000000"
}

impl<S: Send + Sync> FromRequestParts<S> for RequestContext {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let request_id = header(parts, REQUEST_ID);
        let correlation_id = header(parts, CORRELATION_ID).or_else(|| request_id.clone());
        // The request's own span, when tracing is on, so that what this request causes (outbox
        // events, calls to peers) hangs below it; else the caller's, passed on unchanged.
        let traceparent = crate::telemetry::propagation::current_traceparent()
            .or_else(|| header(parts, TRACEPARENT).filter(|t| is_valid_traceparent(t)));
        Ok(Self {
            request_id,
            correlation_id,
            traceparent,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traceparent_must_follow_the_w3c_shape() {
        assert!(is_valid_traceparent(
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        ));
        assert!(!is_valid_traceparent(
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7"
        ));
        assert!(!is_valid_traceparent(
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01"
        ));
        assert!(!is_valid_traceparent(
            "zz-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        ));
    }
}
