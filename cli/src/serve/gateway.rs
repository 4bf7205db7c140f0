//! The one Router `todo serve` answers with (the gateway role): every function's routes side by
//! side, task-api's live stream, analytics' rebuild route and chat-api, under the standard
//! middleware once.

use std::net::{Ipv6Addr, SocketAddr};
use std::sync::Arc;

use chat_api::{Chat, ChatSettings, ProviderChain};
use task_api::live::LiveFeed;
use todo_kit::Authenticator;
use todo_kit::resilience::{PeerClient, ResilienceSettings};

/// The state of every function mounted on the gateway (chat-api's needs the bound address).
pub(super) struct Mounted {
    /// Every function's routes and `POST /work/{name}` ([`crate::embedded::routes`]).
    pub(super) functions: axum::Router,
    pub(super) live: Arc<LiveFeed>,
    pub(super) rebuild: analytics::RebuildState,
    pub(super) auth: Arc<Authenticator>,
    /// The limits at the edge.
    pub(super) edge: todo_kit::limits::EdgeSettings,
}

/// Every function mounted on one Router, with the standard middleware once. Later functions join here.
pub(super) fn gateway(mounted: Mounted, chat: Option<chat_api::AppState>) -> axum::Router {
    let mut router = mounted
        .functions
        .merge(task_api::live::router(mounted.live, mounted.auth))
        .merge(analytics::rebuild_routes(mounted.rebuild));
    if let Some(chat) = chat {
        router = router.merge(chat_api::routes(chat));
    }
    todo_kit::layers::standard_with(router, &mounted.edge)
}

/// chat-api's state once the server is bound at `bound`, or `None` (and `/api/chat` off) when its
/// peers cannot be built.
pub(super) fn chat(bound: SocketAddr, models: ProviderChain, auth: Arc<Authenticator>) -> Option<chat_api::AppState> {
    // chat-api reaches task-api and session-api over HTTP, as in the cluster: here at this server.
    let own = format!("http://{}", loopback(bound));
    let peer = |name: &str| PeerClient::new(name, &own, ResilienceSettings::default()).map(Arc::new);
    let chat = match (peer("task-api"), peer("session-api")) {
        (Ok(task_api), Ok(session_api)) => {
            Some(Chat::new(task_api, session_api, ChatSettings::default()).with_models(models))
        }
        (Err(error), _) | (_, Err(error)) => {
            tracing::error!(%error, "cannot build the chat peers; /api/chat is off");
            None
        }
    };
    chat.map(|chat| chat_api::AppState {
        chat: Arc::new(chat),
        auth,
    })
}

/// The address to call this server at from the same machine.
pub(super) fn loopback(bound: SocketAddr) -> SocketAddr {
    match bound.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => SocketAddr::from(([127, 0, 0, 1], bound.port())),
        ip if ip.is_unspecified() => SocketAddr::from((Ipv6Addr::LOCALHOST, bound.port())),
        _ => bound,
    }
}
