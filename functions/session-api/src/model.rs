//! What a session is to its callers: who owns it, what the client said about itself, how long it
//! lives, and the messages exchanged in it. Limits live here so both stores enforce the same ones.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Most characters in a user's message (chat-api refuses longer ones with a 413 first).
pub const MAX_USER_MESSAGE_CHARS: usize = 2_000;
/// Most characters in an assistant or tool message (lists can be long).
pub const MAX_OTHER_MESSAGE_CHARS: usize = 16_000;
/// Most bytes of `client_info` once serialized.
pub const MAX_CLIENT_INFO_BYTES: usize = 4_096;

/// A chat session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Session {
    /// The session id (a UUID).
    pub id: String,
    /// The owner.
    pub user_id: String,
    /// What the client told about itself (time zone, app, version); a JSON object.
    #[schema(value_type = Object)]
    pub client_info: Value,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// The last message, or the opening.
    pub last_active_at: DateTime<Utc>,
    /// When it expires unless a message comes first (sliding TTL).
    pub expires_at: DateTime<Utc>,
    /// Messages exchanged so far (the history keeps the newest ones only).
    pub message_count: u64,
}

impl Session {
    /// A new session of `user`, opened at `now`, expiring `ttl` later unless a message comes.
    pub fn open(user: &str, client_info: Value, now: DateTime<Utc>, ttl: chrono::Duration) -> Self {
        Self {
            id: uuid::Uuid::new_v4().to_string(),
            user_id: user.to_owned(),
            client_info,
            created_at: now,
            last_active_at: now,
            expires_at: now + ttl,
            message_count: 0,
        }
    }
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The person.
    User,
    /// The assistant's reply.
    Assistant,
    /// A tool result the assistant used.
    Tool,
}

impl Role {
    fn max_chars(self) -> usize {
        match self {
            Role::User => MAX_USER_MESSAGE_CHARS,
            Role::Assistant | Role::Tool => MAX_OTHER_MESSAGE_CHARS,
        }
    }
}

/// A message to add.
#[derive(Debug, Clone, PartialEq, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMessage {
    /// Who wrote it.
    pub role: Role,
    /// The text.
    pub content: String,
    /// Anything the writer wants to keep with it (intent, actions, model); a JSON object.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub metadata: Option<Value>,
    /// Events to publish with the message, atomically: chat-api's `intent.recognized` or
    /// `intent.failed` about this session, as structured CloudEvents (at most
    /// [`MAX_EVENTS_PER_MESSAGE`]). A stateless function gets a transactional outbox this way.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<Value>,
}

/// Most events one message may carry.
pub const MAX_EVENTS_PER_MESSAGE: usize = 5;

impl NewMessage {
    /// Checks the events a message carries: valid CloudEvents of the intent types, about
    /// `session_id`.
    ///
    /// # Errors
    /// `Invalid` naming the first event that does not fit.
    fn validate_events(&self, session_id: &str) -> Result<(), SessionError> {
        use todo_events::{DomainEvent, EventPayload};
        if self.events.len() > MAX_EVENTS_PER_MESSAGE {
            return Err(SessionError::Invalid(format!(
                "at most {MAX_EVENTS_PER_MESSAGE} events per message"
            )));
        }
        for (i, event) in self.events.iter().enumerate() {
            let event = DomainEvent::from_structured_json(event)
                .map_err(|e| SessionError::Invalid(format!("events[{i}] is not a valid event: {e}")))?;
            let about = match &event.payload {
                EventPayload::IntentRecognized(e) => &e.session_id,
                EventPayload::IntentFailed(e) => &e.session_id,
                _ => {
                    return Err(SessionError::Invalid(format!(
                        "events[{i}]: only intent.recognized and intent.failed may ride on a message"
                    )));
                }
            };
            if about != session_id {
                return Err(SessionError::Invalid(format!("events[{i}] is about another session")));
            }
        }
        Ok(())
    }

    /// Checks the message's limits and the events it carries for session `session_id`.
    ///
    /// # Errors
    /// `Invalid` or `TooLong` with a readable reason.
    pub fn validate(&self, session_id: &str) -> Result<(), SessionError> {
        self.validate_content()?;
        self.validate_events(session_id)
    }

    fn validate_content(&self) -> Result<(), SessionError> {
        if self.content.trim().is_empty() {
            return Err(SessionError::Invalid("content must not be blank".into()));
        }
        let chars = self.content.chars().count();
        if chars > self.role.max_chars() {
            return Err(SessionError::TooLong {
                chars,
                max: self.role.max_chars(),
            });
        }
        if self.metadata.as_ref().is_some_and(|m| !m.is_object()) {
            return Err(SessionError::Invalid("metadata must be a JSON object".into()));
        }
        Ok(())
    }
}

/// A message in a session's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Message {
    /// Position in the session, from 1; never reused, even when old messages are dropped.
    pub seq: u64,
    /// Who wrote it.
    pub role: Role,
    /// The text.
    pub content: String,
    /// What the writer kept with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Object)]
    pub metadata: Option<Value>,
    /// When it was added.
    pub at: DateTime<Utc>,
}

/// One page of a history, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MessagePage {
    /// The messages.
    pub items: Vec<Message>,
    /// Pass as `before` for the older page; `None` at the start of the kept history.
    pub next_cursor: Option<u64>,
}

/// Why a session operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// No such session for this user (or it expired long ago).
    #[error("session not found")]
    NotFound,
    /// The session existed but expired or was closed; start a new one.
    #[error("session expired")]
    Expired,
    /// The input breaks a rule.
    #[error("invalid: {0}")]
    Invalid(String),
    /// The message is longer than allowed.
    #[error("message has {chars} characters; the limit is {max}")]
    TooLong {
        /// Its length.
        chars: usize,
        /// The limit for its role.
        max: usize,
    },
    /// The store failed.
    #[error("session store unavailable: {0}")]
    Unavailable(String),
    /// Stored data could not be read.
    #[error("stored session data is corrupt: {0}")]
    Corrupt(String),
}

/// Checks `client_info`: a JSON object of bounded size.
///
/// # Errors
/// `Invalid` with the reason.
pub fn validate_client_info(client_info: &Value) -> Result<(), SessionError> {
    if !client_info.is_object() {
        return Err(SessionError::Invalid("client_info must be a JSON object".into()));
    }
    if client_info.to_string().len() > MAX_CLIENT_INFO_BYTES {
        return Err(SessionError::Invalid(format!(
            "client_info is larger than {MAX_CLIENT_INFO_BYTES} bytes"
        )));
    }
    Ok(())
}
