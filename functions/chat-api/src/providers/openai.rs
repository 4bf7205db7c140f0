//! An OpenAI-compatible Chat Completions provider with tool calling: OpenAI itself, or Ollama's
//! `/v1` endpoint. The model sees the task tools, asks for tool calls, gets their results, and
//! answers; every tool call runs through task-api with the user's own token.

use secrecy::SecretString;
use std::sync::Arc;

use http::Method;
use serde_json::{Value, json};
use todo_kit::resilience::{Forwarded, PeerClient, PeerError};

use crate::conversation::Action;
use crate::tools::{TaskTools, definitions};

/// Most model round trips for one message (each may run several tool calls).
const MAX_ROUNDS: usize = 5;

/// Why a provider gave no answer; the chain moves on to the next.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// The server failed, timed out, or its circuit is open.
    #[error("{0}")]
    Unavailable(String),
    /// It answered something that is not a usable completion.
    #[error("unusable answer: {0}")]
    Malformed(String),
}

impl From<PeerError> for ProviderError {
    fn from(error: PeerError) -> Self {
        ProviderError::Unavailable(error.to_string())
    }
}

/// What a model produced for one message.
#[derive(Debug, Clone)]
pub struct ModelAnswer {
    /// The reply text.
    pub reply: String,
    /// The tool calls it made, with results.
    pub actions: Vec<Action>,
}

/// One OpenAI-compatible endpoint and model.
#[derive(Debug)]
pub struct OpenAiProvider {
    /// The model name, as sent and as reported in responses and metrics.
    pub model: String,
    peer: Arc<PeerClient>,
    /// Secret: its Debug shows `[REDACTED]`.
    api_key: Option<SecretString>,
}

const SYSTEM_PROMPT: &str = "You manage the user's to-do list with the tools given. Use tools for every \
change and every question about tasks; never invent tasks or ids. Dates are RFC 3339 with the user's \
offset. Before deleting, make sure the user asked to delete that task. Answer briefly in plain text.";

impl OpenAiProvider {
    /// A provider for `model` behind `peer` (its base URL ends before `/chat/completions`, e.g.
    /// `https://api.openai.com/v1` or `http://localhost:11434/v1`).
    pub fn new(model: &str, peer: Arc<PeerClient>, api_key: Option<String>) -> Self {
        Self {
            model: model.to_owned(),
            peer,
            api_key: api_key.map(SecretString::from),
        }
    }

    fn tools() -> Value {
        Value::Array(
            definitions()
                .into_iter()
                .map(|t| {
                    json!({ "type": "function", "function": {
                        "name": t.name, "description": t.description, "parameters": t.input_schema } })
                })
                .collect(),
        )
    }

    /// Answers `message` given the earlier `history` (`(role, content)` pairs, oldest first).
    ///
    /// # Errors
    /// A [`ProviderError`] when the model cannot be used for this message.
    pub async fn answer(
        &self,
        history: &[(String, String)],
        message: &str,
        time_zone: &str,
        tools: &TaskTools,
        user: &str,
        fwd: &Forwarded,
    ) -> Result<ModelAnswer, ProviderError> {
        let mut messages = vec![
            json!({ "role": "system", "content": format!("{SYSTEM_PROMPT} The user's time zone is {time_zone}.") }),
        ];
        messages.extend(
            history
                .iter()
                .map(|(role, content)| json!({ "role": role, "content": content })),
        );
        messages.push(json!({ "role": "user", "content": message }));
        let key = Forwarded {
            bearer: self.api_key.clone(),
            correlation_id: fwd.correlation_id.clone(),
            traceparent: fwd.traceparent.clone(),
        };
        let mut actions = Vec::new();
        for _ in 0..MAX_ROUNDS {
            let request =
                json!({ "model": self.model, "messages": messages, "tools": Self::tools(), "tool_choice": "auto" });
            let response = self
                .peer
                .call(Method::POST, "/chat/completions", Some(&request), &key)
                .await?;
            if !response.status.is_success() {
                return Err(ProviderError::Unavailable(format!(
                    "the model answered {}",
                    response.status
                )));
            }
            let choice = &response.body["choices"][0]["message"];
            if choice.is_null() {
                return Err(ProviderError::Malformed("no choices[0].message".into()));
            }
            let calls = choice["tool_calls"].as_array().cloned().unwrap_or_default();
            if calls.is_empty() {
                let reply = choice["content"].as_str().unwrap_or_default().trim().to_owned();
                if reply.is_empty() {
                    return Err(ProviderError::Malformed("an empty reply".into()));
                }
                return Ok(ModelAnswer { reply, actions });
            }
            messages.push(choice.clone());
            for call in calls {
                let name = call["function"]["name"].as_str().unwrap_or_default().to_owned();
                let arguments: Value = match &call["function"]["arguments"] {
                    Value::String(text) => serde_json::from_str(text)
                        .map_err(|e| ProviderError::Malformed(format!("tool arguments are not JSON: {e}")))?,
                    other => other.clone(),
                };
                let result = match tools.call(user, &name, &arguments, fwd).await {
                    Ok(value) => value,
                    Err(error) => json!({ "error": error.to_string() }),
                };
                messages.push(json!({ "role": "tool", "tool_call_id": call["id"], "content": result.to_string() }));
                actions.push(Action {
                    tool: name,
                    arguments,
                    result,
                });
            }
        }
        Err(ProviderError::Malformed(format!(
            "no answer after {MAX_ROUNDS} rounds of tool calls"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use todo_kit::resilience::ResilienceSettings;

    #[test]
    fn the_api_key_never_shows_in_debug() {
        let peer = Arc::new(PeerClient::new("m", "http://127.0.0.1:9", ResilienceSettings::default()).unwrap());
        let provider = OpenAiProvider::new("gpt-test", peer, Some("sk-live-0123456789abcdef".into()));
        let shown = format!("{provider:?}");
        assert!(!shown.contains("sk-live"), "{shown}");
        assert!(shown.contains("gpt-test"), "{shown}");
    }
}
