//! The `notification.sent` / `notification.failed` events a delivery ends with. They belong to the
//! subscription's owner and continue the triggering event's story: same correlation id, causation
//! = the triggering event's id, same trace parent.

use chrono::{DateTime, Utc};
use todo_events::{DomainEvent, EventMetadata, EventPayload, NotificationFailed, NotificationSent};

use crate::model::Claim;

/// Longest `error` / `recipient` the event schemas accept.
const MAX_TEXT: usize = 2000;

fn metadata(claim: &Claim) -> EventMetadata {
    EventMetadata {
        correlation_id: claim.correlation_id.clone(),
        causation_id: Some(claim.event_id.clone()),
        user_id: Some(claim.owner_id.clone()),
        traceparent: claim.traceparent.clone(),
    }
}

fn clip(text: &str) -> String {
    let clipped: String = text.chars().take(MAX_TEXT).collect();
    if clipped.is_empty() {
        "unknown error".into()
    } else {
        clipped
    }
}

/// The URL a notification names: the target without query string or fragment, which may hold
/// tokens the owner would not want copied into every consumer's events.
pub(crate) fn recipient(url: &str) -> String {
    let shown = match reqwest::Url::parse(url) {
        Ok(mut parsed) => {
            parsed.set_query(None);
            parsed.set_fragment(None);
            parsed.to_string()
        }
        Err(_) => url.split(['?', '#']).next().unwrap_or_default().to_owned(),
    };
    clip(&shown)
}

/// `notification.sent` for a delivered claim.
pub(crate) fn sent(claim: &Claim, now: DateTime<Utc>) -> DomainEvent {
    DomainEvent::new(
        crate::EVENT_SOURCE,
        now,
        metadata(claim),
        EventPayload::NotificationSent(NotificationSent {
            notification_id: claim.delivery_id.to_string(),
            r#type: claim.event_type.clone(),
            recipient: recipient(&claim.url),
            status: "delivered".into(),
        }),
    )
}

/// `notification.failed` for a claim given up after `attempts` requests in all.
pub(crate) fn failed(claim: &Claim, error: &str, attempts: i32, now: DateTime<Utc>) -> DomainEvent {
    DomainEvent::new(
        crate::EVENT_SOURCE,
        now,
        metadata(claim),
        EventPayload::NotificationFailed(NotificationFailed {
            notification_id: claim.delivery_id.to_string(),
            error: clip(error),
            retry_count: u32::try_from(attempts.saturating_sub(1)).unwrap_or(0),
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::recipient;

    #[test]
    fn the_recipient_drops_query_and_fragment() {
        assert_eq!(
            recipient("https://hooks.example.com/in/42?token=secret#x"),
            "https://hooks.example.com/in/42"
        );
    }
}
