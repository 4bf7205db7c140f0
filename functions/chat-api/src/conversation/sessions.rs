//! session-api as chat-api uses it: open or resume a session, read the recent history, and add the
//! user's message and the reply (with the intent event riding on the reply).

use std::sync::Arc;

use http::{Method, StatusCode};
use serde_json::{Value, json};
use todo_kit::resilience::{Forwarded, PeerClient, PeerResponse};

use super::ChatError;

/// Messages read back to rebuild the conversation state.
const HISTORY: usize = 20;

/// A client of session-api.
#[derive(Debug, Clone)]
pub(crate) struct Sessions {
    peer: Arc<PeerClient>,
}

impl Sessions {
    pub(crate) fn new(peer: Arc<PeerClient>) -> Self {
        Self { peer }
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        fwd: &Forwarded,
    ) -> Result<Value, ChatError> {
        let PeerResponse { status, body, .. } = self
            .peer
            .call(method, path, body, fwd)
            .await
            .map_err(|e| ChatError::Unavailable(e.to_string()))?;
        match status {
            s if s.is_success() => Ok(body),
            StatusCode::NOT_FOUND => Err(ChatError::SessionNotFound),
            StatusCode::GONE => Err(ChatError::SessionExpired),
            StatusCode::PAYLOAD_TOO_LARGE => Err(ChatError::TooLong(
                body["detail"].as_str().unwrap_or("too long").to_owned(),
            )),
            s if s.is_client_error() => Err(ChatError::Invalid(
                body["detail"].as_str().unwrap_or("refused").to_owned(),
            )),
            s => Err(ChatError::Unavailable(format!("session-api answered {s}"))),
        }
    }

    /// The session `id`, or a new one carrying `client_info` when `id` is `None`.
    pub(crate) async fn open(&self, id: Option<&str>, client_info: Value, fwd: &Forwarded) -> Result<Value, ChatError> {
        match id {
            Some(id) => {
                self.call(Method::GET, &format!("/api/sessions/{}", encode(id)), None, fwd)
                    .await
            }
            None => {
                let body = json!({ "client_info": client_info });
                self.call(Method::POST, "/api/sessions", Some(&body), fwd).await
            }
        }
    }

    /// The newest messages, oldest first.
    pub(crate) async fn history(&self, id: &str, fwd: &Forwarded) -> Result<Vec<Value>, ChatError> {
        let page = self
            .call(
                Method::GET,
                &format!("/api/sessions/{}/messages?limit={HISTORY}", encode(id)),
                None,
                fwd,
            )
            .await?;
        Ok(page["items"].as_array().cloned().unwrap_or_default())
    }

    /// Adds a message; `events` ride with it into session-api's outbox.
    pub(crate) async fn append(
        &self,
        id: &str,
        role: &str,
        content: &str,
        metadata: Option<Value>,
        events: Vec<Value>,
        fwd: &Forwarded,
    ) -> Result<Value, ChatError> {
        let body = json!({ "role": role, "content": content, "metadata": metadata, "events": events });
        self.call(
            Method::POST,
            &format!("/api/sessions/{}/messages", encode(id)),
            Some(&body),
            fwd,
        )
        .await
    }
}

fn encode(segment: &str) -> String {
    form_urlencoded::byte_serialize(segment.as_bytes()).collect()
}
