//! The middleware every function wears: request ids, request spans, the limits at the edge
//! ([`crate::limits`]: budgets, header cap, deadline, security headers, CORS), the audit record of
//! every data request and refusal ([`crate::audit`]), a body size limit,
//! panics and unknown routes as problem+json, and one place that logs server errors.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderName, Response, StatusCode};
use axum::middleware::{self, Next};
use axum::response::IntoResponse;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tracing::Span;

use crate::context::{REQUEST_ID, TRACEPARENT};
use crate::limits::{EdgeSettings, Limits};
use crate::problem::Problem;

/// The largest request body accepted.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Adds the standard layers and problem+json fallbacks to a function's router, with the edge
/// settings of the environment. A setting that does not parse is logged and its default used;
/// a process that can fail at start-up reads [`EdgeSettings::from_env`] itself and calls
/// [`standard_with`].
pub fn standard(router: Router) -> Router {
    let settings = EdgeSettings::from_env().unwrap_or_else(|error| {
        tracing::error!(%error, "bad edge limit setting; using the defaults");
        EdgeSettings::default()
    });
    standard_with(router, &settings)
}

/// [`standard`] with explicit edge settings.
pub fn standard_with(router: Router, edge: &EdgeSettings) -> Router {
    let request_id = HeaderName::from_static(REQUEST_ID);
    let guard = Guard {
        edge: crate::limits::Edge {
            limits: Limits::new(&edge.limits),
            timeout: edge.timeout,
        },
        trusted: edge.limits.trusted_proxies,
    };
    let router = router
        .fallback(|| async { Problem::not_found("No such resource; see /api/openapi.json for the routes.") })
        .method_not_allowed_fallback(|| async {
            Problem::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "Method not allowed",
                "This resource does not support that method.",
            )
        })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(Arc::new(guard), guard_request))
        .layer(CatchPanicLayer::custom(|_| Problem::internal().into_response()))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    let route = req
                        .extensions()
                        .get::<MatchedPath>()
                        .map_or("unmatched", MatchedPath::as_str);
                    let request_id = req
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    let span = tracing::info_span!(
                        "request",
                        otel.name = %format!("{} {route}", req.method()),
                        otel.kind = "server",
                        method = %req.method(),
                        route,
                        request_id,
                        status = tracing::field::Empty,
                        trace_id = tracing::field::Empty,
                    );
                    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
                    crate::telemetry::propagation::set_parent_with_state(
                        &span,
                        header(TRACEPARENT),
                        header("tracestate"),
                    );
                    // In every log line of the request, text or JSON.
                    if let Some(ids) = crate::telemetry::propagation::traceparent_of(&span) {
                        span.record("trace_id", ids.get(3..35).unwrap_or_default());
                    }
                    span
                })
                .on_response(|res: &Response<Body>, latency: Duration, span: &Span| {
                    span.record("status", res.status().as_u16());
                    tracing::debug!(
                        status = res.status().as_u16(),
                        latency_ms = latency.as_secs_f64() * 1000.0,
                        "response"
                    );
                }),
        )
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid));
    // Outermost: a preflight is answered before any budget or token is asked for.
    match edge.cors() {
        Some(cors) => router.layer(cors),
        None => router,
    }
}

/// What every route's guard holds.
#[derive(Debug)]
struct Guard {
    edge: crate::limits::Edge,
    trusted: crate::limits::TrustedProxies,
}

/// Every route's guard, one middleware for what would otherwise be three (each a boxed service
/// cloned per request): the audit record around the edge (whose refusals are recorded too)
/// around the route.
async fn guard_request(State(guard): State<Arc<Guard>>, request: Request, next: Next) -> Response<Body> {
    let guard = &*guard;
    crate::audit::around(guard.trusted, request, |request| {
        crate::limits::edge(&guard.edge, request, next)
    })
    .await
}
