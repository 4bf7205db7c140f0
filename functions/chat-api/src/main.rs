//! The chat-api binary: `TASK_API_URL` and `SESSION_API_URL` (the peers' base URLs),
//! `CHAT_CONFIDENCE_THRESHOLD` (default 0.5), optional models (`LLM_BASE_URL`, `LLM_MODEL`,
//! `LLM_API_KEY`, `LLM_FALLBACK_*`, `LLM_TIMEOUT_SECS`; the embedded rules answer when none can), and
//! `AUTH_JWT_SECRET` or `AUTH_JWKS_URL`. Serves on `$PORT` or as a Lambda.

use std::sync::Arc;

use anyhow::Context;
use chat_api::{AppState, Chat, ChatSettings};
use todo_kit::auth::AuthSettings;
use todo_kit::resilience::{PeerClient, ResilienceSettings};
use todo_kit::settings::{ServerSettings, env_var};
use todo_kit::{Authenticator, serve, telemetry};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    telemetry::init(env!("CARGO_PKG_NAME"));
    let server = ServerSettings::from_env().map_err(anyhow::Error::msg)?;
    let task_api = env_var("TASK_API_URL").context("TASK_API_URL is not set (e.g. http://task-api)")?;
    let session_api = env_var("SESSION_API_URL").context("SESSION_API_URL is not set (e.g. http://session-api)")?;
    let threshold = match env_var("CHAT_CONFIDENCE_THRESHOLD") {
        Some(v) => v
            .parse()
            .context("CHAT_CONFIDENCE_THRESHOLD must be a number from 0 to 1")?,
        None => 0.5,
    };
    let chat = Chat::new(
        Arc::new(PeerClient::new("task-api", &task_api, ResilienceSettings::default())?),
        Arc::new(PeerClient::new(
            "session-api",
            &session_api,
            ResilienceSettings::default(),
        )?),
        ChatSettings {
            confidence_threshold: threshold,
        },
    )
    .with_models(chat_api::ProviderChain::from_env()?);
    let auth = Arc::new(Authenticator::new(&AuthSettings::from_env())?);
    let served = serve::serve(
        chat_api::app(AppState {
            chat: Arc::new(chat),
            auth,
        }),
        server.addr,
    )
    .await;
    telemetry::shutdown();
    served
}
