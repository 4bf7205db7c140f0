//! One event handler behind every trigger. A handler is an async function of a validated
//! [`DomainEvent`] that says whether it is done, or whether a failure is worth retrying
//! (`Retryable`) or never will succeed (`Poison`). The kit runs it behind:
//!
//! - a consumer group on the event bus ([`consume`]): Kafka pull in the cluster, the in-memory
//!   channel in `todo serve`; offsets are committed only after the handler is done, failures are
//!   retried with exponential backoff, and events that still fail go to `dead-letter`;
//! - HTTP push ([`push::router`]): binary and structured CloudEvents, as Knative and Dapr deliver.
//!
//! Incoming events are checked against the JSON Schema of their type and version first; an event
//! that does not fit is poison.

mod consume;
mod from_env;
mod pause;
pub mod push;
mod supervise;

use async_trait::async_trait;
use todo_events::DomainEvent;

pub use consume::{ConsumeSettings, consume};
pub use from_env::spawn_kafka_consumer;
pub use pause::{PausableHandler, Pause};
pub use supervise::{StopSignal, consume_until_shutdown, restart_until_shutdown};

/// A handler's verdict on an event it finished with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The effect was applied.
    Done,
    /// Nothing to do: an event this handler ignores.
    Skipped,
    /// Seen before: a repeated delivery, acknowledged without a second effect.
    Duplicate,
}

impl Outcome {
    /// The `outcome` label of `events_consumed_total`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Done => "processed",
            Self::Skipped => "skipped",
            Self::Duplicate => "duplicate",
        }
    }
}

/// Why a handler could not finish an event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HandlerError {
    /// A dependency failed; the same event may succeed later.
    #[error("retryable: {0}")]
    Retryable(String),
    /// The event can never succeed; it goes to `dead-letter`.
    #[error("poison: {0}")]
    Poison(String),
}

/// Handles events of a consumer. `name` names its consumer group and its idempotency records.
#[async_trait]
pub trait EventHandler: Send + Sync {
    /// The consumer's name, e.g. `analytics`.
    fn name(&self) -> &str;
    /// Applies the event's effect.
    async fn handle(&self, event: &DomainEvent) -> Result<Outcome, HandlerError>;
}

/// Runs `handler` on `event`, recording `events_consumed_total` and
/// `event_handler_duration_seconds`. Every trigger calls handlers through this.
pub(crate) async fn run(handler: &dyn EventHandler, event: &DomainEvent) -> Result<Outcome, HandlerError> {
    use tracing::Instrument;
    let started = std::time::Instant::now();
    let span = tracing::info_span!(
        "handle",
        otel.name = %format!("{} {}", handler.name(), event.event_type()),
        otel.kind = "consumer",
        consumer = handler.name(),
        ce_id = %event.id,
        ce_type = %event.event_type(),
    );
    // The producer's span (CloudEvents distributed tracing) is this run's parent.
    crate::telemetry::propagation::set_parent(&span, event.metadata.traceparent.as_deref());
    let result = handler.handle(event).instrument(span).await;
    let m = crate::metrics::metrics();
    let (name, ty) = (handler.name(), event.event_type().as_str());
    m.event_handler_duration
        .with_label_values(&[name, name, ty])
        .observe(started.elapsed().as_secs_f64());
    let outcome = match &result {
        Ok(outcome) => outcome.label(),
        Err(HandlerError::Retryable(_)) => "retried",
        Err(HandlerError::Poison(_)) => "poison",
    };
    m.events_consumed.with_label_values(&[name, name, ty, outcome]).inc();
    result
}

/// Stamps a dead letter with who gave up on it, why, after how many attempts and where it came
/// from (the extensions every dead letter carries, whichever trigger gave up).
pub fn mark_dead_letter(letter: &mut cloudevents::Event, consumer: &str, error: &str, attempts: &str, topic: &str) {
    use cloudevents::event::ExtensionValue;
    letter.set_extension("deadletterconsumer", ExtensionValue::String(consumer.to_owned()));
    letter.set_extension(
        "deadlettererror",
        ExtensionValue::String(error.chars().take(1000).collect()),
    );
    letter.set_extension("deadletterattempts", ExtensionValue::String(attempts.to_owned()));
    letter.set_extension("deadlettertopic", ExtensionValue::String(topic.to_owned()));
}

/// Checks an incoming CloudEvent and turns it into the typed event handlers receive.
///
/// # Errors
/// `Poison` with the reason when the event is not one of the catalog's, in a known version, with
/// data that fits its schema.
pub fn validate(event: &cloudevents::Event) -> Result<DomainEvent, HandlerError> {
    DomainEvent::from_cloudevent(event).map_err(|e| HandlerError::Poison(format!("invalid event: {e}")))
}
