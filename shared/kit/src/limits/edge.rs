//! The edge middleware every function wears ([`edge`], installed by [`crate::layers::standard`]):
//! the header cap, the client address's budget, the request deadline and the security headers;
//! and the marker of costly routes ([`expensive`]).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::{Expensive, LimitSettings, Limits, client};
use crate::problem::Problem;
use crate::settings::ConfigError;
use crate::settings::common::{CORS_ALLOWED_ORIGINS, REQUEST_TIMEOUT_SECONDS};

/// Header bytes (names and values) a request may carry: a large JWT with room to spare.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;
/// Headers a request may carry.
pub const MAX_HEADERS: usize = 100;

/// What the edge enforces.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeSettings {
    /// The budgets.
    pub limits: LimitSettings,
    /// The longest a request may take to produce its response (a stream's body may go on).
    pub timeout: Duration,
    /// Origins a browser may call the API from (`CORS_ALLOWED_ORIGINS`); none: same origin only.
    pub cors_origins: Vec<String>,
}

impl Default for EdgeSettings {
    fn default() -> Self {
        Self {
            limits: LimitSettings::default(),
            timeout: Duration::from_secs(60),
            cors_origins: Vec::new(),
        }
    }
}

impl EdgeSettings {
    /// The settings of the environment.
    ///
    /// # Errors
    /// A budget, timeout or origin that does not parse.
    pub fn from_env() -> Result<Self, ConfigError> {
        let timeout: f64 = REQUEST_TIMEOUT_SECONDS.parse_required("a number of seconds, e.g. 60")?;
        if !(timeout.is_finite() && timeout > 0.0) {
            return Err(ConfigError::Invalid {
                name: REQUEST_TIMEOUT_SECONDS.name,
                value: timeout.to_string(),
                expected: "a positive number of seconds",
            });
        }
        let cors_origins = match CORS_ALLOWED_ORIGINS.value() {
            None => Vec::new(),
            Some(text) => parse_origins(&text).map_err(|value| ConfigError::Invalid {
                name: CORS_ALLOWED_ORIGINS.name,
                value,
                expected: "origins separated by commas, each scheme://host[:port] with no path, e.g. https://todo.example.com",
            })?,
        };
        Ok(Self {
            limits: LimitSettings::from_env()?,
            timeout: Duration::from_secs_f64(timeout),
            cors_origins,
        })
    }

    /// The CORS layer for the configured origins, if any.
    pub(crate) fn cors(&self) -> Option<CorsLayer> {
        if self.cors_origins.is_empty() {
            return None;
        }
        let origins: Vec<HeaderValue> = self
            .cors_origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        Some(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
                .allow_headers([
                    header::AUTHORIZATION,
                    header::CONTENT_TYPE,
                    header::IF_MATCH,
                    header::IF_NONE_MATCH,
                    HeaderName::from_static("idempotency-key"),
                    HeaderName::from_static(crate::context::REQUEST_ID),
                ])
                .expose_headers([
                    header::ETAG,
                    header::LOCATION,
                    header::RETRY_AFTER,
                    HeaderName::from_static("ratelimit-limit"),
                    HeaderName::from_static("ratelimit-remaining"),
                    HeaderName::from_static("ratelimit-reset"),
                    HeaderName::from_static(crate::context::REQUEST_ID),
                ])
                .max_age(Duration::from_secs(600)),
        )
    }
}

/// Origins as browsers send them: `scheme://host[:port]`, no path, no trailing slash.
fn parse_origins(text: &str) -> Result<Vec<String>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(|origin| {
            let rest = origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"))
                .ok_or_else(|| origin.to_owned())?;
            if rest.is_empty() || rest.contains('/') || HeaderValue::from_str(origin).is_err() {
                return Err(origin.to_owned());
            }
            Ok(origin.to_owned())
        })
        .collect()
}

/// What the edge middleware holds.
#[derive(Debug, Clone)]
pub(crate) struct Edge {
    pub(crate) limits: Arc<Limits>,
    pub(crate) timeout: Duration,
}

/// The edge (the second pass of every route's guard in [`crate::layers::standard`]): refuses
/// oversized headers (431) and a spent address budget (429), makes the limits known to
/// [`crate::auth::AuthUser`], cuts a request that takes longer than the deadline (503), logs a
/// server error, and adds the security headers a response has not set itself.
pub(crate) async fn edge(edge: &Edge, mut request: Request, next: Next) -> Response {
    let headers = request.headers();
    let bytes: usize = headers.iter().map(|(n, v)| n.as_str().len() + v.len()).sum();
    if bytes > MAX_HEADER_BYTES || headers.len() > MAX_HEADERS {
        return Problem::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers-too-large",
            "Request headers too large",
            format!(
                "The request's headers may hold at most {MAX_HEADERS} fields and {MAX_HEADER_BYTES} bytes; it has {} and {bytes}.",
                headers.len()
            ),
        )
        .into_response();
    }
    if let Some(ip) = client::client_ip(&request, edge.limits.trusted_proxies())
        && let Err(refused) = edge.limits.check_ip(ip)
    {
        return refused.into_response();
    }
    request.extensions_mut().insert(edge.limits.clone());
    let mut response = match tokio::time::timeout(edge.timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(timeout_ms = edge.timeout.as_millis(), "request cut at its deadline");
            let mut timed_out = Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "timeout",
                "Request took too long",
                format!(
                    "The request was stopped after {} s and changed nothing that was not committed; retry it.",
                    edge.timeout.as_secs_f64()
                ),
            )
            .into_response();
            timed_out
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            timed_out
        }
    };
    if response.status().is_server_error() {
        tracing::error!(status = response.status().as_u16(), "request failed");
    }
    security_headers(response.headers_mut());
    response
}

/// The headers that keep a browser from sniffing, framing or leaking an API answer; a response
/// that set its own (a web page's CSP) keeps it.
fn security_headers(headers: &mut axum::http::HeaderMap) {
    let defaults = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'none'",
        ),
        (header::STRICT_TRANSPORT_SECURITY, "max-age=63072000; includeSubDomains"),
    ];
    for (name, value) in defaults {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    }
}

/// Marks every route of `router` as costly: its callers spend the `RATE_LIMIT_EXPENSIVE`
/// budget too (chat, search, analytics, rebuilds).
pub fn expensive<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router.route_layer(middleware::from_fn(mark_expensive))
}

async fn mark_expensive(mut request: Request<Body>, next: Next) -> Response {
    request.extensions_mut().insert(Expensive);
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        assert_eq!(
            parse_origins("https://todo.example.com, http://localhost:5173"),
            Ok(vec![
                "https://todo.example.com".to_owned(),
                "http://localhost:5173".to_owned()
            ])
        );
        assert_eq!(parse_origins("todo.example.com"), Err("todo.example.com".to_owned()));
        assert_eq!(parse_origins("https://x.com/app"), Err("https://x.com/app".to_owned()));
        assert_eq!(parse_origins(""), Ok(Vec::new()));
    }
}
