//! What the relay reports: the bus message of each claimed event (an unreadable one as a dead
//! letter), `events_published_total`, `outbox_publish_lag_seconds` and
//! `event_publish_failures_total` under the source's `service` label, and one producer span per
//! event below the span that wrote it.

use chrono::{DateTime, Utc};
use cloudevents::Event;
use cloudevents::event::{AttributesReader, AttributesWriter};
use todo_events::Topic;
use todo_kit::bus::Outgoing;
use todo_kit::metrics::metrics;

use crate::source::SourceEvent;

/// The bus message of a claimed event, and when the event was written. An unreadable one goes to
/// `dead-letter` wrapped in an `outbox.unreadable` event that says why (`source` is
/// `/functions/{service}`).
pub(crate) fn outgoing(event: SourceEvent, prefix: &str, service: &str) -> (Option<DateTime<Utc>>, Outgoing) {
    let outgoing = match event.message {
        Ok(message) => Outgoing {
            topic: format!("{prefix}{}", message.topic),
            key: message.key,
            event: message.event,
        },
        Err(unreadable) => {
            tracing::error!(
                outbox_id = %event.outbox_id,
                error = %unreadable.error,
                "unreadable outbox row sent to dead-letter"
            );
            let mut letter = Event::default();
            letter.set_id(unreadable.id);
            letter.set_source(format!("/functions/{service}"));
            letter.set_type("outbox.unreadable");
            letter.set_time(Some(Utc::now()));
            letter.set_data("application/json", unreadable.data);
            Outgoing {
                topic: format!("{prefix}{}", Topic::DeadLetter.name()),
                key: None,
                event: letter,
            }
        }
    };
    (event.written_at, outgoing)
}

/// Counts an acknowledged batch: one `events_published_total` per event, and its lag from
/// `written` (when known) to `acknowledged`.
pub(crate) fn record_published(
    service: &str,
    written: &[Option<DateTime<Utc>>],
    batch: &[Outgoing],
    acknowledged: DateTime<Utc>,
) {
    let m = metrics();
    // Made on first use: a source that keeps no write times has no lag series at all.
    let mut lag = None;
    for (written, outgoing) in written.iter().zip(batch) {
        m.events_published
            .with_label_values(&[service, &outgoing.topic, outgoing.event.ty()])
            .inc();
        if let Some(written) = written {
            lag.get_or_insert_with(|| m.outbox_publish_lag.with_label_values(&[service]))
                .observe((acknowledged - *written).as_seconds_f64().max(0.0));
        }
    }
}

/// Counts a batch the bus did not take: one `event_publish_failures_total` per topic of it.
pub(crate) fn record_failure(service: &str, batch: &[Outgoing]) {
    let m = metrics();
    let mut topics: Vec<&str> = batch.iter().map(|o| o.topic.as_str()).collect();
    topics.sort_unstable();
    topics.dedup();
    for topic in topics {
        m.event_publish_failures.with_label_values(&[service, topic]).inc();
    }
}

/// The span of publishing one event: a child of the producer's span (the event's `traceparent`).
pub(crate) fn publish_span(outgoing: &Outgoing) -> tracing::Span {
    let event = &outgoing.event;
    let span = tracing::info_span!(
        "publish",
        otel.name = %format!("publish {}", event.ty()),
        otel.kind = "producer",
        messaging.destination.name = %outgoing.topic,
        ce_id = %event.id(),
        ce_type = %event.ty(),
    );
    let traceparent = event.extension("traceparent").map(ToString::to_string);
    todo_kit::telemetry::propagation::set_parent(&span, traceparent.as_deref());
    span
}
