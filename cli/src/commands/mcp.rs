//! `todo mcp`: the task tools for an AI agent over MCP on stdin/stdout, acting through the task API
//! at `--api` with the user's token, so every change an agent makes is validated, recorded and
//! announced like any other. Only MCP messages go to stdout; problems go to stderr.

use std::sync::Arc;

use anyhow::Context;
use base64::Engine;
use chat_api::tools::TaskTools;
use todo_kit::resilience::{Forwarded, PeerClient, ResilienceSettings};

use crate::client::Client;

/// The token's subject (the user), read without verifying: the server verifies it on every call.
fn subject(token: &str) -> anyhow::Result<String> {
    let payload = token.split('.').nth(1).context("the token is not a JWT")?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .context("the token's payload is not base64url")?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).context("the token's payload is not JSON")?;
    claims["sub"]
        .as_str()
        .map(str::to_owned)
        .context("the token has no sub")
}

/// Serves MCP on stdio until the client closes it.
///
/// # Errors
/// When the token cannot be read or the transport fails.
pub(crate) async fn run(client: &Client) -> anyhow::Result<()> {
    let user = subject(client.token())?;
    let peer = PeerClient::new("task-api", client.base(), ResilienceSettings::default())?;
    let forwarded = Forwarded {
        bearer: Some(client.token().into()),
        correlation_id: None,
        traceparent: None,
    };
    chat_api::mcp::serve_stdio(TaskTools::new(Arc::new(peer)), user, forwarded).await
}
