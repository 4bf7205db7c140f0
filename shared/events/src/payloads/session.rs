//! Data of the `session.*` events: the life of a chat session, published by session-api.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `session.created`: a chat session was opened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionCreated {
    /// Id of the session.
    pub session_id: String,
    /// The user who owns it.
    pub user_id: String,
    /// What the client told about itself (user agent, app version, ...). A JSON object.
    pub client_info: Value,
}

/// `session.message_received`: the user sent a message in a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionMessageReceived {
    /// Id of the session.
    pub session_id: String,
    /// The message text, up to 2000 characters.
    pub message: String,
    /// When the message arrived.
    pub timestamp: DateTime<Utc>,
}

/// `session.expired`: a session ended because it was idle past its TTL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionExpired {
    /// Id of the session.
    pub session_id: String,
    /// Seconds the session lasted (>= 0).
    pub duration: i64,
    /// Messages exchanged in it.
    pub message_count: u64,
}
