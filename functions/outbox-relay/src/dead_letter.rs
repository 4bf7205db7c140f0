//! `POST /dead-letter`: where Knative sends the events it could not deliver (the dead-letter sink
//! of every KafkaSource). The relay, which holds the producer, puts each on the `dead-letter`
//! topic with the same extensions the Kafka-pull trigger stamps, so one place holds every dead
//! letter whichever trigger gave up. Knative adds `knativeerrordest` (the subscriber),
//! `knativeerrorcode` (its last status) and `knativeerrordata` (its last answer).

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use cloudevents::event::AttributesReader;
use todo_events::Topic;
use todo_kit::Problem;
use todo_kit::bus::{EventBus, Outgoing};
use todo_kit::handler::{mark_dead_letter, push::event_from_http};

#[derive(Clone)]
struct DeadLetters {
    bus: Arc<dyn EventBus>,
    topic: Arc<str>,
}

/// The route, publishing to `{topic_prefix}dead-letter` on `bus`.
pub fn dead_letter_router(bus: Arc<dyn EventBus>, topic_prefix: &str) -> Router {
    Router::new()
        .route("/dead-letter", post(receive))
        .with_state(DeadLetters {
            bus,
            topic: Arc::from(format!("{topic_prefix}{}", Topic::DeadLetter.name())),
        })
}

async fn receive(State(letters): State<DeadLetters>, headers: HeaderMap, body: Bytes) -> Response {
    let mut letter = match event_from_http(&headers, &body) {
        Ok(event) => event,
        // Not a CloudEvent: nothing to keep, and a retry would not change that.
        Err(reason) => return Problem::bad_request("not-a-cloudevent", reason).into_response(),
    };
    let text = |name: &str| letter.extension(name).map(ToString::to_string).unwrap_or_default();
    let subscriber = text("knativeerrordest");
    // The subscriber's host names the function: http://analytics.todo.svc.cluster.local/ → analytics.
    let consumer = subscriber
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split(['.', '/', ':']).next())
        .filter(|host| !host.is_empty())
        .unwrap_or("knative")
        .to_owned();
    let error = format!(
        "delivery to {} failed with status {}: {}",
        if subscriber.is_empty() {
            "the subscriber"
        } else {
            &subscriber
        },
        text("knativeerrorcode"),
        decoded(&text("knativeerrordata"))
    );
    let key = letter.subject().map(str::to_owned);
    mark_dead_letter(&mut letter, &consumer, &error, "knative retries exhausted", "");
    todo_kit::metrics::metrics()
        .events_dead_lettered
        .with_label_values(&[crate::SERVICE, &consumer, &letters.topic])
        .inc();
    tracing::error!(consumer, id = %letter.id(), ty = %letter.ty(), %error, "event sent to dead-letter");
    match letters
        .bus
        .publish(&[Outgoing {
            topic: letters.topic.to_string(),
            key,
            event: letter,
        }])
        .await
    {
        Ok(()) => StatusCode::ACCEPTED.into_response(),
        Err(error) => {
            tracing::warn!(%error, "cannot publish a dead letter yet");
            Problem::unavailable(format!("The dead-letter topic cannot be written now: {error}")).into_response()
        }
    }
}

/// Knative's `knativeerrordata` is the subscriber's answer in base64; shown as text when it is.
fn decoded(data: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(data)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_else(|| data.to_owned())
        .chars()
        .take(500)
        .collect()
}
