//! One chat turn: resume the session, rebuild the conversation state from its history, understand
//! the message, act through task-api, and store the reply with the intent event riding on it.
//!
//! chat-api keeps nothing between requests: the session and its history live in session-api, the
//! tasks in task-api, so any instance answers any message and a restart loses nothing.

mod act;
mod answers;
mod missing;
mod reply;
mod sessions;
mod state;
mod time;

use std::sync::Arc;
use std::time::Instant;

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use todo_events::{DomainEvent, EventMetadata, EventPayload, IntentFailed, IntentRecognized};
use todo_kit::clock::{Clock, SystemClock};
use todo_kit::metrics::metrics;
use todo_kit::resilience::{Forwarded, PeerClient};

pub use act::Action;
pub use state::{ConversationState, Pending};

use crate::providers::{ModelAnswer, OpenAiProvider, ProviderChain, ProviderError};
use crate::tools::TaskTools;
use crate::{EVENT_SOURCE, SERVICE};
use todo_nlu::{self as nlu, Intent};

/// Most characters in a message.
pub const MAX_MESSAGE_CHARS: usize = 2_000;
/// The name the embedded NLU answers under in responses and metrics.
pub const RULES_MODEL: &str = "rules";

/// A chat request.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatRequest {
    /// The session to continue; a new one is opened when absent.
    #[serde(default)]
    pub session_id: Option<String>,
    /// What the user said (at most 2,000 characters).
    pub message: String,
}

/// The answer to a chat request.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChatResponse {
    /// The session, to pass with the next message.
    pub session_id: String,
    /// The assistant's reply.
    pub reply: String,
    /// What the message was understood as (`add`, `list`, ..., `unknown`).
    pub intent: String,
    /// How sure the understanding is, 0 to 1.
    pub confidence: f32,
    /// The tool calls made, with their results.
    pub actions: Vec<Action>,
    /// Which model answered (`rules` for the embedded NLU).
    pub model: String,
    /// Models tried first that could not answer, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fallbacks: Vec<Fallback>,
}

/// A model that was skipped.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Fallback {
    /// The model.
    pub model: String,
    /// Why it gave no answer.
    pub error: String,
}

/// Why a chat turn failed before a reply could be given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChatError {
    /// The message is longer than allowed.
    #[error("{0}")]
    TooLong(String),
    /// The request breaks a rule.
    #[error("{0}")]
    Invalid(String),
    /// The session does not exist for this user: start without `session_id`.
    #[error("session not found")]
    SessionNotFound,
    /// The session ended: start without `session_id`.
    #[error("session expired")]
    SessionExpired,
    /// session-api could not be reached.
    #[error("{0}")]
    Unavailable(String),
}

/// How chat behaves.
#[derive(Debug, Clone)]
pub struct ChatSettings {
    /// Below this confidence a message is not acted on (and `intent.failed` is published).
    pub confidence_threshold: f32,
}

impl Default for ChatSettings {
    fn default() -> Self {
        Self {
            confidence_threshold: 0.5,
        }
    }
}

/// The chat engine.
#[derive(Debug, Clone)]
pub struct Chat {
    tools: TaskTools,
    sessions: sessions::Sessions,
    settings: ChatSettings,
    models: Arc<ProviderChain>,
    /// What "now" is when a message says "tomorrow" or "in 2 hours".
    clock: Arc<dyn Clock>,
}

fn time_zone(name: Option<&str>) -> Option<Tz> {
    name.and_then(|n| n.trim().parse::<Tz>().ok())
}

impl Chat {
    /// A chat engine over task-api and session-api.
    pub fn new(task_api: Arc<PeerClient>, session_api: Arc<PeerClient>, settings: ChatSettings) -> Self {
        Self {
            tools: TaskTools::new(task_api),
            sessions: sessions::Sessions::new(session_api),
            settings,
            models: Arc::new(ProviderChain::default()),
            clock: Arc::new(SystemClock),
        }
    }

    /// The same engine reading the time from `clock` (tests fix "now" to read dates against).
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The task tools this engine acts with (shared with the MCP server).
    pub fn tools(&self) -> &TaskTools {
        &self.tools
    }

    /// The same engine trying `models` first; the embedded rules answer when none can.
    #[must_use]
    pub fn with_models(mut self, models: ProviderChain) -> Self {
        self.models = Arc::new(models);
        self
    }

    /// Asks one model; records its outcome in the AI metrics.
    #[allow(clippy::too_many_arguments)]
    async fn ask_model(
        &self,
        model: &OpenAiProvider,
        history: &[(String, String)],
        message: &str,
        tz: Tz,
        user: &str,
        fwd: &Forwarded,
    ) -> Result<ModelAnswer, ProviderError> {
        let started = Instant::now();
        let answer = model.answer(history, message, tz.name(), &self.tools, user, fwd).await;
        let m = metrics();
        m.ai_request_duration
            .with_label_values(&[SERVICE, &model.model])
            .observe(started.elapsed().as_secs_f64());
        let status = match &answer {
            Ok(_) => "ok",
            Err(ProviderError::Unavailable(_)) => "unavailable",
            Err(ProviderError::Malformed(_)) => "malformed",
        };
        m.ai_requests.with_label_values(&[SERVICE, &model.model, status]).inc();
        answer
    }

    /// Answers one message of `user`. `tz_hint` (an IANA name, from the `x-timezone` header)
    /// applies when the session's `client_info` has no `timezone`.
    ///
    /// # Errors
    /// A [`ChatError`] when the message or the session cannot be used.
    pub async fn handle(
        &self,
        user: &str,
        fwd: &Forwarded,
        request: ChatRequest,
        tz_hint: Option<&str>,
    ) -> Result<ChatResponse, ChatError> {
        let message = request.message.trim().to_owned();
        let chars = message.chars().count();
        if chars > MAX_MESSAGE_CHARS {
            return Err(ChatError::TooLong(format!(
                "The message has {chars} characters; at most {MAX_MESSAGE_CHARS} are accepted."
            )));
        }
        if message.is_empty() {
            return Err(ChatError::Invalid("The message is empty.".into()));
        }
        let hint = time_zone(tz_hint);
        let client_info = match hint {
            Some(tz) => json!({ "timezone": tz.name() }),
            None => json!({}),
        };
        let session = self
            .sessions
            .open(request.session_id.as_deref(), client_info, fwd)
            .await?;
        let session_id = session["id"].as_str().unwrap_or_default().to_owned();
        let tz = time_zone(session["client_info"]["timezone"].as_str())
            .or(hint)
            .unwrap_or(Tz::UTC);
        let history = self.sessions.history(&session_id, fwd).await?;
        let state = history
            .iter()
            .rev()
            .find(|m| m["role"] == "assistant")
            .map(|m| ConversationState::from_metadata(m.get("metadata")))
            .unwrap_or_default();
        self.sessions
            .append(&session_id, "user", &message, None, Vec::new(), fwd)
            .await?;
        let now = self.clock.now();
        let metadata = EventMetadata {
            correlation_id: fwd.correlation_id.clone(),
            traceparent: fwd.traceparent.clone(),
            user_id: Some(user.to_owned()),
            ..EventMetadata::default()
        };

        let mut fallbacks = Vec::new();
        if self.models.circuit.is_held() {
            // Held open (LLM_CIRCUIT=open, or aiops' remediation): no model is asked.
            fallbacks.extend(self.models.providers.iter().map(|model| Fallback {
                model: model.model.clone(),
                error: "not asked: the circuit to the models is held open".to_owned(),
            }));
        } else if !self.models.providers.is_empty() {
            let earlier: Vec<(String, String)> = history
                .iter()
                .filter_map(|m| Some((m["role"].as_str()?.to_owned(), m["content"].as_str()?.to_owned())))
                .filter(|(role, _)| role == "user" || role == "assistant")
                .collect();
            for model in &self.models.providers {
                match self.ask_model(model, &earlier, &message, tz, user, fwd).await {
                    Ok(answer) => {
                        let intent = answer.actions.first().map_or("chat", |a| a.tool.as_str()).to_owned();
                        let payload = EventPayload::IntentRecognized(IntentRecognized {
                            session_id: session_id.clone(),
                            intent: intent.clone(),
                            confidence: 1.0,
                            parameters: json!({ "model": model.model, "tools": answer.actions.iter().map(|a| &a.tool).collect::<Vec<_>>() }),
                        });
                        let event = DomainEvent::new(EVENT_SOURCE, now, metadata, payload).to_structured_json();
                        let kept = ConversationState { pending: None, ..state };
                        let reply_metadata = json!({ "intent": intent, "confidence": 1.0, "model": model.model,
                            "actions": answer.actions, "state": kept, "fallbacks": fallbacks });
                        self.sessions
                            .append(
                                &session_id,
                                "assistant",
                                &answer.reply,
                                Some(reply_metadata),
                                vec![event],
                                fwd,
                            )
                            .await?;
                        return Ok(ChatResponse {
                            session_id,
                            reply: answer.reply,
                            intent,
                            confidence: 1.0,
                            actions: answer.actions,
                            model: model.model.clone(),
                            fallbacks,
                        });
                    }
                    Err(error) => {
                        tracing::warn!(model = %model.model, %error, "model unavailable; falling back");
                        fallbacks.push(Fallback {
                            model: model.model.clone(),
                            error: error.to_string(),
                        });
                    }
                }
            }
        }

        let turn = act::Turn::new(&self.tools, user, fwd, now, tz, state.clone());
        let started = Instant::now();
        let (understanding, command) = answers::understand_in_context(
            &message,
            state.pending.as_ref(),
            &turn.ctx,
            self.settings.confidence_threshold,
        );
        let m = metrics();
        m.ai_request_duration
            .with_label_values(&[SERVICE, RULES_MODEL])
            .observe(started.elapsed().as_secs_f64());
        m.ai_requests.with_label_values(&[SERVICE, RULES_MODEL, "ok"]).inc();

        let understood = understanding.intent != Intent::Unknown
            && (understanding.confidence >= self.settings.confidence_threshold
                || missing::asks(&understanding, self.settings.confidence_threshold)
                || matches!(
                    understanding.intent,
                    Intent::Greeting | Intent::Help | Intent::Confirm | Intent::Deny
                ));
        let (acted, event) = if understood {
            let acted = act::act(turn, &understanding, &command).await;
            let payload = EventPayload::IntentRecognized(IntentRecognized {
                session_id: session_id.clone(),
                intent: acted.read_as.unwrap_or(understanding.intent).as_str().to_owned(),
                confidence: f64::from(understanding.confidence),
                parameters: json!({ "slots": understanding.slots, "target": understanding.target }),
            });
            (acted, payload)
        } else {
            let acted = act::act(
                turn,
                &nlu::Understanding {
                    intent: Intent::Unknown,
                    ..understanding.clone()
                },
                &message,
            )
            .await;
            let payload = EventPayload::IntentFailed(IntentFailed {
                session_id: session_id.clone(),
                message: message.clone(),
                confidence: f64::from(understanding.confidence),
            });
            (acted, payload)
        };
        let event = DomainEvent::new(EVENT_SOURCE, now, metadata, event).to_structured_json();
        let intent = acted.read_as.unwrap_or(understanding.intent);
        let reply_metadata: Value = json!({
            "intent": intent.as_str(),
            "confidence": understanding.confidence,
            "model": RULES_MODEL,
            "actions": acted.actions,
            "state": acted.state,
            "fallbacks": fallbacks,
        });
        self.sessions
            .append(
                &session_id,
                "assistant",
                &acted.reply,
                Some(reply_metadata),
                vec![event],
                fwd,
            )
            .await?;
        Ok(ChatResponse {
            session_id,
            reply: acted.reply,
            intent: intent.as_str().to_owned(),
            confidence: understanding.confidence,
            actions: acted.actions,
            model: RULES_MODEL.to_owned(),
            fallbacks,
        })
    }
}
