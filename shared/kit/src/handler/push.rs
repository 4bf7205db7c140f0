//! HTTP push: the way Knative (KafkaSource, Trigger, PingSource), Lambda and Dapr deliver events.
//! `POST /` takes a CloudEvent in binary mode (`ce-*` headers, data as the body) or structured mode
//! (`application/cloudevents+json`); the status tells the sender what to do: 2xx done, 4xx poison
//! (do not retry; Knative routes it to its dead-letter sink), 5xx retry later.
//!
//! Dapr's shape is served too: `GET /dapr/subscribe` lists the topics, and `POST /dapr/events`
//! answers 200 with `{"status": "SUCCESS" | "DROP" | "RETRY"}`, as its pub/sub expects.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cloudevents::Event;
use serde_json::json;

use super::{EventHandler, HandlerError, validate};
use crate::bus::binding::{Record, decode};
use crate::problem::Problem;

#[derive(Clone)]
struct Push {
    handler: Arc<dyn EventHandler>,
    topics: Arc<Vec<String>>,
    pubsub: Arc<str>,
}

/// The push routes for `handler`; `topics` and `pubsub` are what `/dapr/subscribe` announces.
pub fn router(handler: Arc<dyn EventHandler>, topics: Vec<String>, pubsub: &str) -> Router {
    let state = Push {
        handler,
        topics: Arc::new(topics),
        pubsub: Arc::from(pubsub),
    };
    Router::new()
        .route("/", post(receive))
        .route("/dapr/subscribe", get(dapr_subscribe))
        .route("/dapr/events", post(dapr_receive))
        .with_state(state)
}

/// The CloudEvent of an HTTP request, in binary or structured mode.
///
/// # Errors
/// The reason the request is not a CloudEvent.
pub fn event_from_http(headers: &HeaderMap, body: &[u8]) -> Result<Event, String> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json");
    if content_type.starts_with("application/cloudevents+json") {
        return serde_json::from_slice::<Event>(body).map_err(|e| format!("structured CloudEvent: {e}"));
    }
    let mut record = Record {
        headers: Vec::new(),
        value: body.to_vec(),
    };
    for (name, value) in headers {
        if let Some(attribute) = name.as_str().strip_prefix("ce-") {
            record
                .headers
                .push((format!("ce_{attribute}"), value.as_bytes().to_vec()));
        }
    }
    record
        .headers
        .push(("content-type".into(), content_type.as_bytes().to_vec()));
    decode(&record)
}

async fn handle(push: &Push, headers: &HeaderMap, body: &[u8]) -> Result<(), HandlerError> {
    let event = event_from_http(headers, body).map_err(|e| HandlerError::Poison(format!("not a CloudEvent: {e}")))?;
    let domain = validate(&event)?;
    super::run(push.handler.as_ref(), &domain).await.map(|_| ())
}

async fn receive(State(push): State<Push>, headers: HeaderMap, body: Bytes) -> Response {
    match handle(&push, &headers, &body).await {
        Ok(()) => StatusCode::OK.into_response(),
        Err(HandlerError::Poison(reason)) => {
            tracing::warn!(consumer = push.handler.name(), %reason, "pushed event refused");
            Problem::bad_request("poison-event", reason).into_response()
        }
        Err(HandlerError::Retryable(reason)) => {
            tracing::warn!(consumer = push.handler.name(), %reason, "pushed event failed; the sender retries");
            Problem::unavailable(reason).into_response()
        }
    }
}

async fn dapr_subscribe(State(push): State<Push>) -> Response {
    let subscriptions: Vec<_> = push
        .topics
        .iter()
        .map(|topic| json!({ "pubsubname": &*push.pubsub, "topic": topic, "route": "/dapr/events" }))
        .collect();
    axum::Json(subscriptions).into_response()
}

async fn dapr_receive(State(push): State<Push>, headers: HeaderMap, body: Bytes) -> Response {
    let status = match handle(&push, &headers, &body).await {
        Ok(()) => "SUCCESS",
        Err(HandlerError::Poison(_)) => "DROP",
        Err(HandlerError::Retryable(_)) => "RETRY",
    };
    axum::Json(json!({ "status": status })).into_response()
}
