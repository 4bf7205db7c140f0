//! The three session events, built once for both stores. An expiry's event id is derived from
//! the session id, so the one `session.expired` of a session has one id wherever it is built.

use chrono::{DateTime, Utc};
use serde_json::Value;
use todo_events::{DomainEvent, EventMetadata, EventPayload, SessionCreated, SessionExpired, SessionMessageReceived};

use crate::EVENT_SOURCE;
use crate::model::Session;

/// `session.created` in structured JSON.
pub(crate) fn created(session: &Session, metadata: &EventMetadata) -> Value {
    let payload = EventPayload::SessionCreated(SessionCreated {
        session_id: session.id.clone(),
        user_id: session.user_id.clone(),
        client_info: session.client_info.clone(),
    });
    event(session.created_at, with_user(metadata, &session.user_id), payload).to_structured_json()
}

/// `session.message_received` in structured JSON.
pub(crate) fn message_received(
    session_id: &str,
    user: &str,
    message: &str,
    at: DateTime<Utc>,
    metadata: &EventMetadata,
) -> Value {
    let payload = EventPayload::SessionMessageReceived(SessionMessageReceived {
        session_id: session_id.to_owned(),
        message: message.to_owned(),
        timestamp: at,
    });
    event(at, with_user(metadata, user), payload).to_structured_json()
}

/// `session.expired` in structured JSON; `duration` runs from the opening to the last activity.
pub(crate) fn expired(
    session_id: &str,
    user: &str,
    created_at: DateTime<Utc>,
    last_active_at: DateTime<Utc>,
    message_count: u64,
    now: DateTime<Utc>,
) -> Value {
    let payload = EventPayload::SessionExpired(SessionExpired {
        session_id: session_id.to_owned(),
        duration: (last_active_at - created_at).num_seconds().max(0),
        message_count,
    });
    let mut event = event(now, with_user(&EventMetadata::default(), user), payload);
    event.id = uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        format!("session/{session_id}/expired").as_bytes(),
    );
    event.to_structured_json()
}

fn with_user(metadata: &EventMetadata, user: &str) -> EventMetadata {
    EventMetadata {
        user_id: Some(user.to_owned()),
        ..metadata.clone()
    }
}

fn event(time: DateTime<Utc>, metadata: EventMetadata, payload: EventPayload) -> DomainEvent {
    DomainEvent::new(EVENT_SOURCE, time, metadata, payload)
}
