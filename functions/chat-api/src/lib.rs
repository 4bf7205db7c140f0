//! chat-api: manage tasks in plain English.
//!
//! `/mcp` serves the same task tools to AI agents over MCP (streamable HTTP; `todo mcp` over stdio).
//! `POST /api/chat` takes a message, resumes its session from session-api, understands it with the
//! embedded NLU (deterministic, offline, well under a millisecond), acts through task-api with the
//! caller's own token, and answers with the reply and the tool calls it made. chat-api keeps no
//! state: history lives in session-api, tasks in task-api.

pub mod conversation;
pub mod function;
pub mod mcp;
mod openapi;
pub mod providers;
mod routes;
pub mod tools;

use std::sync::Arc;

use axum::Router;
use axum::extract::FromRef;
use todo_kit::Authenticator;

pub use conversation::{Chat, ChatRequest, ChatResponse, ChatSettings};
pub use function::{FUNCTION, start};
pub use openapi::ApiDoc;
pub use providers::ProviderChain;
pub use routes::TIME_ZONE_HEADER;

/// The `service` label of this function's metrics and logs.
pub const SERVICE: &str = "chat-api";

/// The CloudEvents `source` of events this function publishes.
pub const EVENT_SOURCE: &str = "/functions/chat-api";

/// What the handlers share.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The chat engine.
    pub chat: Arc<Chat>,
    /// Verifies bearer tokens.
    pub auth: Arc<Authenticator>,
}

impl FromRef<AppState> for Arc<Authenticator> {
    fn from_ref(state: &AppState) -> Self {
        state.auth.clone()
    }
}

/// The API routes (`/api/chat` and the MCP server at `/mcp`) without probes or middleware, for
/// mounting into a larger gateway.
pub fn routes(state: AppState) -> Router {
    let mcp = mcp::router(state.chat.tools().clone(), state.auth.clone());
    todo_kit::metrics::track_http(SERVICE, routes::router(state).merge(mcp))
}

/// The complete function: the chat route, its OpenAPI document, probes, metrics and the standard
/// middleware. Readiness is the process itself: its peers have their own probes, and a down peer
/// is a 503 problem per request.
pub fn app(state: AppState) -> Router {
    todo_kit::layers::standard(unlayered(state))
}

/// [`app`] without the standard middleware, for the kit's runtime to add routes to.
pub fn unlayered(state: AppState) -> Router {
    routes(state)
        .merge(openapi::router())
        .merge(todo_kit::health::router(todo_kit::health::always_ready()))
        .merge(todo_kit::metrics::router())
}
