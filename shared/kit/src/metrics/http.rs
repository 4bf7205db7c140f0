//! Request counts, latencies and in-flight requests for a function's routes.
//!
//! Installed with `route_layer`, so only matched routes are measured and the `endpoint` label is
//! always a route template (`/api/tasks/{id}`): a scan of random paths cannot blow up the series count.

use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::Response;

use super::metrics;

/// Measures every route of `router` under `service`.
pub fn track_http(service: &'static str, router: Router) -> Router {
    router.route_layer(middleware::from_fn(move |req: Request, next: Next| {
        record(service, req, next)
    }))
}

async fn record(service: &'static str, req: Request, next: Next) -> Response {
    let endpoint = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = method_label(req.method());
    let m = metrics();
    let in_flight = m.http_requests_in_flight.with_label_values(&[service]);
    in_flight.inc();
    let started = Instant::now();
    let response = next.run(req).await;
    in_flight.dec();
    m.http_request_duration
        .with_label_values(&[service, &endpoint, method])
        .observe(started.elapsed().as_secs_f64());
    m.http_requests
        .with_label_values(&[service, &endpoint, method, response.status().as_str()])
        .inc();
    response
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}
