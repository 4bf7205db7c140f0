//! Language models behind the chat, tried in order: e.g. OpenAI, then a local Ollama, then the
//! embedded rules, which always answer. A provider that fails, times out or has an open circuit
//! is skipped; the response and `ai_requests_total{model,status}` say which one answered.
//!
//! The chain's circuit can be held open ([`ProviderChain::circuit`]): then no model is asked and
//! the rules answer. `LLM_CIRCUIT=open` starts it so (how aiops' remediation opens the
//! circuit to a failing model provider in the cluster: a new revision with the setting); under
//! `todo serve` the remediation holds the switch itself.

mod openai;

use std::sync::Arc;
use std::time::Duration;

use todo_kit::resilience::{CircuitHold, PeerClient, ResilienceSettings};
use todo_kit::settings::Setting;

pub use openai::{ModelAnswer, OpenAiProvider, ProviderError};

/// The models to try before the rules, in order.
#[derive(Debug, Default)]
pub struct ProviderChain {
    /// The providers.
    pub providers: Vec<OpenAiProvider>,
    /// Held open: no provider is asked.
    pub circuit: CircuitHold,
}

/// The settings of one provider: where it is, which model, and its key.
#[derive(Debug, Clone, Copy)]
struct ProviderSettings {
    base_url: Setting,
    model: Setting,
    api_key: Setting,
}

/// The first provider (e.g. OpenAI).
const PRIMARY: ProviderSettings = ProviderSettings {
    base_url: Setting::optional(
        "LLM_BASE_URL",
        "an OpenAI-compatible API asked before the rules; unset, the rules answer alone",
    ),
    model: Setting::optional("LLM_MODEL", "the first model").default_value("gpt-4o-mini"),
    api_key: Setting::optional("LLM_API_KEY", "the first model's API key").secret(),
};
/// The second provider (e.g. a local Ollama).
const FALLBACK: ProviderSettings = ProviderSettings {
    base_url: Setting::optional("LLM_FALLBACK_BASE_URL", "a second OpenAI-compatible API, e.g. Ollama's"),
    model: Setting::optional("LLM_FALLBACK_MODEL", "the second model").default_value("llama3.1"),
    api_key: Setting::optional("LLM_FALLBACK_API_KEY", "the second model's API key").secret(),
};
/// `LLM_CIRCUIT`: `open` holds the circuits to the models open (the rules answer alone).
pub const LLM_CIRCUIT: Setting = Setting::optional(
    "LLM_CIRCUIT",
    "closed, or open to ask no model and let the rules answer (what aiops' remediation sets while a model provider fails)",
)
.default_value("closed");
/// `LLM_TIMEOUT_SECS`.
const LLM_TIMEOUT_SECS: Setting =
    Setting::optional("LLM_TIMEOUT_SECS", "the longest wait for one model call, in seconds").default_value("20");

/// The settings the models read.
pub const SETTINGS: &[Setting] = &[
    PRIMARY.base_url,
    PRIMARY.model,
    PRIMARY.api_key,
    FALLBACK.base_url,
    FALLBACK.model,
    FALLBACK.api_key,
    LLM_TIMEOUT_SECS,
    LLM_CIRCUIT,
];

fn provider(settings: ProviderSettings, timeout: Duration) -> anyhow::Result<Option<OpenAiProvider>> {
    let Some(base) = settings.base_url.value() else {
        return Ok(None);
    };
    let model = settings.model.require()?;
    let resilience = ResilienceSettings {
        // A failing model is not retried: the next provider answers instead.
        retry_delays: Vec::new(),
        timeout,
        ..ResilienceSettings::default()
    };
    let peer = Arc::new(PeerClient::new(&model, &base, resilience)?);
    Ok(Some(OpenAiProvider::new(&model, peer, settings.api_key.value())))
}

impl ProviderChain {
    /// `LLM_BASE_URL`, `LLM_MODEL`, `LLM_API_KEY` for the first provider and `LLM_FALLBACK_BASE_URL`,
    /// `LLM_FALLBACK_MODEL`, `LLM_FALLBACK_API_KEY` for a second (e.g. Ollama); `LLM_TIMEOUT_SECS`
    /// (default 20) per model call; `LLM_CIRCUIT=open` to start with the circuits held open. None
    /// set: the rules alone.
    ///
    /// # Errors
    /// When a timeout is not a number, `LLM_CIRCUIT` is neither `open` nor `closed`, or a client
    /// cannot be built.
    pub fn from_env() -> anyhow::Result<Self> {
        let timeout = Duration::from_secs(LLM_TIMEOUT_SECS.parse_required("a number of seconds")?);
        let circuit = CircuitHold::new(parse_circuit(&LLM_CIRCUIT.value().unwrap_or_default())?);
        let providers = [provider(PRIMARY, timeout)?, provider(FALLBACK, timeout)?]
            .into_iter()
            .flatten()
            .collect();
        Ok(Self { providers, circuit })
    }

    /// The switch holding the chain's circuit open (shared: setting it acts on the next message).
    pub fn circuit(&self) -> CircuitHold {
        self.circuit.clone()
    }
}

/// Whether `LLM_CIRCUIT` holds the circuits open.
///
/// # Errors
/// A value other than `open` or `closed` (or empty).
fn parse_circuit(text: &str) -> anyhow::Result<bool> {
    match text.trim() {
        "" | "closed" => Ok(false),
        "open" => Ok(true),
        other => anyhow::bail!("LLM_CIRCUIT must be open or closed, got '{other}'"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn llm_circuit_is_open_or_closed_and_nothing_else() {
        assert!(!parse_circuit("").unwrap());
        assert!(!parse_circuit("closed").unwrap());
        assert!(parse_circuit(" open ").unwrap());
        let wrong = parse_circuit("half").unwrap_err().to_string();
        assert!(wrong.contains("open or closed"), "{wrong}");
    }
}
