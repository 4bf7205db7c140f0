//! chat-api's description: what `knative/`, `keda/` and `todo functions` are checked against.

use std::sync::Arc;

use todo_kit::Authenticator;
use todo_kit::auth::AuthSettings;
use todo_kit::function::{EventDelivery, Function, Http, Parts};
use todo_kit::resilience::{PeerClient, ResilienceSettings};
use todo_kit::settings::{Setting, common};

use crate::{AppState, Chat, ChatSettings, ProviderChain};

/// `TASK_API_URL`: task-api's base URL.
pub const TASK_API_URL: Setting = Setting::required("TASK_API_URL", "task-api's base URL, e.g. http://task-api");
/// `SESSION_API_URL`: session-api's base URL.
pub const SESSION_API_URL: Setting =
    Setting::required("SESSION_API_URL", "session-api's base URL, e.g. http://session-api");
/// `CHAT_CONFIDENCE_THRESHOLD`.
pub const CHAT_CONFIDENCE_THRESHOLD: Setting = Setting::optional(
    "CHAT_CONFIDENCE_THRESHOLD",
    "the confidence below which a message is not acted on, 0 to 1",
)
.default_value("0.5");

const OWN: &[Setting] = &[TASK_API_URL, SESSION_API_URL, CHAT_CONFIDENCE_THRESHOLD];

/// chat-api as a deployable function. Its intent events ride on the messages it stores in
/// session-api, which publishes them.
pub const FUNCTION: Function = Function {
    name: "chat-api",
    summary: "the chat in plain English and the MCP tools, acting through task-api and session-api",
    http: Http::Public(&["/api/chat", "/mcp"]),
    consumes: &[],
    delivery: EventDelivery::Events,
    publishes: &[],
    settings: &[
        OWN,
        crate::providers::SETTINGS,
        common::AUTH,
        common::SERVER,
        common::TELEMETRY,
    ],
    periodic: &[],
};

/// Builds the chat on its peers and models.
///
/// # Errors
/// A bad setting or a peer URL that cannot be used.
pub async fn start() -> anyhow::Result<Parts> {
    let task_api = TASK_API_URL.require()?;
    let session_api = SESSION_API_URL.require()?;
    let threshold: f32 = CHAT_CONFIDENCE_THRESHOLD.parse_required("a number from 0 to 1")?;
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
    .with_models(ProviderChain::from_env()?);
    let auth = Arc::new(Authenticator::new(&AuthSettings::from_env())?);
    Ok(Parts {
        routes: crate::unlayered(AppState {
            chat: Arc::new(chat),
            auth,
        }),
        ..Parts::default()
    })
}
