//! Running a handler as a member of a consumer group on the bus: validate, handle, retry, commit,
//! dead-letter. Events are handled one after another, so events of one key keep their order.

use std::time::Duration;

use cloudevents::Event;

use super::{EventHandler, HandlerError, Outcome, validate};
use crate::bus::{BusError, Delivery, EventBus, Outgoing, Start};

/// How a consumer retries and where it sends what it gives up on.
#[derive(Debug, Clone)]
pub struct ConsumeSettings {
    /// Attempts per event, the first included, before a retryable failure may go to `dead-letter`.
    pub max_attempts: u32,
    /// How long a retryable failure is retried, from the first failed attempt, before it may go
    /// to `dead-letter` (both this and `max_attempts` must be spent). A retryable failure means a
    /// dependency is away (a database restarting, a connection reset): giving up after a few
    /// seconds would turn a short outage into lost effects, while retrying holds the partition
    /// and shows as consumer lag, which alerts.
    pub retry_for: Duration,
    /// Pause before the second attempt; it doubles up to `max_backoff`.
    pub first_backoff: Duration,
    /// Longest pause between attempts.
    pub max_backoff: Duration,
    /// The dead-letter topic (with any prefix).
    pub dead_letter_topic: String,
    /// Where the group begins when it never committed.
    pub start: Start,
}

impl Default for ConsumeSettings {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            retry_for: Duration::from_secs(3600),
            first_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(10),
            dead_letter_topic: todo_events::Topic::DeadLetter.name().to_owned(),
            start: Start::Beginning,
        }
    }
}

/// Consumes `topics` as group `handler.name()` until `shutdown` resolves. The event being handled
/// when shutdown comes is finished and committed first.
///
/// # Errors
/// When joining the group fails, or the bus fails while reading, committing or dead-lettering.
pub async fn consume(
    bus: &dyn EventBus,
    handler: &dyn EventHandler,
    topics: &[String],
    settings: &ConsumeSettings,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<(), BusError> {
    let mut member = bus.subscribe_from(handler.name(), topics, settings.start).await?;
    // Dead letters count from a known 0: a rate over them then exists before the first one (the
    // aiops watch sees a consumer start dead-lettering as a change, and `increase()` works).
    for topic in topics {
        let _ =
            crate::metrics::metrics()
                .events_dead_lettered
                .with_label_values(&[handler.name(), handler.name(), topic]);
    }
    tokio::pin!(shutdown);
    loop {
        let delivery = tokio::select! {
            () = &mut shutdown => return Ok(()),
            delivery = member.next() => delivery?,
        };
        process(bus, handler, settings, &delivery).await?;
        member.commit(&delivery).await?;
    }
}

/// Handles one delivery to its end: done, skipped, or dead-lettered.
async fn process(
    bus: &dyn EventBus,
    handler: &dyn EventHandler,
    settings: &ConsumeSettings,
    delivery: &Delivery,
) -> Result<(), BusError> {
    let event = match &delivery.event {
        Ok(event) => event,
        Err(reason) => {
            tracing::warn!(consumer = handler.name(), %reason, "unreadable record");
            return dead_letter(
                bus,
                handler,
                settings,
                delivery,
                None,
                &format!("unreadable record: {reason}"),
                1,
            )
            .await;
        }
    };
    let domain = match validate(event) {
        Ok(domain) => domain,
        Err(error) => return dead_letter(bus, handler, settings, delivery, Some(event), &error.to_string(), 1).await,
    };
    let mut backoff = settings.first_backoff;
    let mut attempt = 1;
    let mut first_failure: Option<std::time::Instant> = None;
    loop {
        match super::run(handler, &domain).await {
            Ok(Outcome::Done | Outcome::Skipped | Outcome::Duplicate) => return Ok(()),
            Err(HandlerError::Poison(reason)) => {
                return dead_letter(
                    bus,
                    handler,
                    settings,
                    delivery,
                    Some(event),
                    &format!("poison: {reason}"),
                    attempt,
                )
                .await;
            }
            Err(HandlerError::Retryable(reason))
                if attempt >= settings.max_attempts
                    && first_failure.is_some_and(|at| at.elapsed() >= settings.retry_for) =>
            {
                return dead_letter(
                    bus,
                    handler,
                    settings,
                    delivery,
                    Some(event),
                    &format!("gave up: {reason}"),
                    attempt,
                )
                .await;
            }
            Err(HandlerError::Retryable(reason)) => {
                first_failure.get_or_insert_with(std::time::Instant::now);
                tracing::warn!(consumer = handler.name(), ce_id = %domain.id, attempt, %reason, "handler failed; retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(settings.max_backoff);
                attempt += 1;
            }
        }
    }
}

/// Sends the event (or, for an unreadable record, an event describing it) to `dead-letter`, with
/// extensions naming the consumer, the error and the attempts, so the partition can move on.
async fn dead_letter(
    bus: &dyn EventBus,
    handler: &dyn EventHandler,
    settings: &ConsumeSettings,
    delivery: &Delivery,
    event: Option<&Event>,
    error: &str,
    attempts: u32,
) -> Result<(), BusError> {
    use cloudevents::event::AttributesWriter;
    crate::metrics::metrics()
        .events_dead_lettered
        .with_label_values(&[handler.name(), handler.name(), &delivery.topic])
        .inc();
    tracing::error!(consumer = handler.name(), topic = %delivery.topic, offset = delivery.offset, %error, attempts, "event sent to dead-letter");
    let mut letter = match event {
        Some(event) => event.clone(),
        None => {
            let mut placeholder = Event::default();
            placeholder.set_id(format!("{}-{}-{}", delivery.topic, delivery.partition, delivery.offset));
            placeholder.set_source(format!("/topics/{}", delivery.topic));
            placeholder.set_type("record.unreadable");
            placeholder
        }
    };
    super::mark_dead_letter(
        &mut letter,
        handler.name(),
        error,
        &attempts.to_string(),
        &delivery.topic,
    );
    bus.publish(&[Outgoing {
        topic: settings.dead_letter_topic.clone(),
        key: delivery.key.clone(),
        event: letter,
    }])
    .await
}
