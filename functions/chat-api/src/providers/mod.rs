//! Language models behind the chat, tried in order: e.g. OpenAI, then a local Ollama, then the
//! embedded rules, which always answer. A provider that fails, times out or has an open circuit
//! is skipped; the response and `ai_requests_total{model,status}` say which one answered.

mod openai;

use std::sync::Arc;
use std::time::Duration;

use todo_kit::resilience::{PeerClient, ResilienceSettings};
use todo_kit::settings::env_var;

pub use openai::{ModelAnswer, OpenAiProvider, ProviderError};

/// The models to try before the rules, in order.
#[derive(Debug, Default)]
pub struct ProviderChain {
    /// The providers.
    pub providers: Vec<OpenAiProvider>,
}

fn provider(prefix: &str, default_model: &str, timeout: Duration) -> anyhow::Result<Option<OpenAiProvider>> {
    let Some(base) = env_var(&format!("{prefix}_BASE_URL")) else {
        return Ok(None);
    };
    let model = env_var(&format!("{prefix}_MODEL")).unwrap_or_else(|| default_model.to_owned());
    let settings = ResilienceSettings {
        // A failing model is not retried: the next provider answers instead.
        retry_delays: Vec::new(),
        timeout,
        ..ResilienceSettings::default()
    };
    let peer = Arc::new(PeerClient::new(&model, &base, settings)?);
    Ok(Some(OpenAiProvider::new(
        &model,
        peer,
        env_var(&format!("{prefix}_API_KEY")),
    )))
}

impl ProviderChain {
    /// `LLM_BASE_URL`, `LLM_MODEL`, `LLM_API_KEY` for the first provider and `LLM_FALLBACK_BASE_URL`,
    /// `LLM_FALLBACK_MODEL`, `LLM_FALLBACK_API_KEY` for a second (e.g. Ollama); `LLM_TIMEOUT_SECS`
    /// (default 20) per model call. None set: the rules alone.
    ///
    /// # Errors
    /// When a timeout is not a number or a client cannot be built.
    pub fn from_env() -> anyhow::Result<Self> {
        let timeout = match env_var("LLM_TIMEOUT_SECS") {
            Some(v) => Duration::from_secs(
                v.parse()
                    .map_err(|_| anyhow::anyhow!("LLM_TIMEOUT_SECS must be seconds"))?,
            ),
            None => Duration::from_secs(20),
        };
        let providers = [
            provider("LLM", "gpt-4o-mini", timeout)?,
            provider("LLM_FALLBACK", "llama3.1", timeout)?,
        ]
        .into_iter()
        .flatten()
        .collect();
        Ok(Self { providers })
    }
}
