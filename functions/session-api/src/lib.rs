//! session-api: chat sessions and their conversation history.
//!
//! A session belongs to one user, lives 30 minutes past its last message (sliding TTL), and keeps
//! its newest 200 messages. chat-api is stateless between requests: it reads the history from
//! here and appends each exchange, so a conversation survives restarts of either function.
//! Sessions live in Redis in the cluster and in process memory in `todo serve`
//! ([`store::connect`]); their events (`session.created`, `session.message_received`,
//! `session.expired`) go through the store's outbox ([`SessionOutbox`]) and the shared outbox relay
//! that [`worker::SessionWorker`] runs, to the bus.

pub mod function;
pub mod model;
mod openapi;
mod outbox;
mod routes;
pub mod store;
pub mod worker;

mod events;

use std::sync::Arc;

use axum::Router;
use axum::extract::FromRef;
use todo_kit::Authenticator;
use todo_kit::health;

pub use function::{FUNCTION, start};
pub use openapi::ApiDoc;
pub use outbox::SessionOutbox;
pub use store::{SessionSettings, SessionStore};
pub use worker::{SessionWorker, WorkerSettings};

/// The `service` label of this function's metrics and logs.
pub const SERVICE: &str = "session-api";

/// The CloudEvents `source` of events this function publishes.
pub const EVENT_SOURCE: &str = "/functions/session-api";

/// What the handlers share.
#[derive(Debug, Clone)]
pub struct AppState {
    /// Where sessions live.
    pub store: Arc<dyn SessionStore>,
    /// Verifies bearer tokens.
    pub auth: Arc<Authenticator>,
}

impl FromRef<AppState> for Arc<Authenticator> {
    fn from_ref(state: &AppState) -> Self {
        state.auth.clone()
    }
}

/// The API routes without probes or middleware, for mounting into a larger gateway.
pub fn routes(state: AppState) -> Router {
    todo_kit::metrics::track_http(SERVICE, routes::router(state))
}

/// The complete function: API routes, OpenAPI document, probes, metrics and the standard middleware.
pub fn app(state: AppState) -> Router {
    todo_kit::layers::standard(unlayered(state))
}

/// [`app`] without the standard middleware, for the kit's runtime to add routes to.
pub fn unlayered(state: AppState) -> Router {
    let store = state.store.clone();
    let readiness = health::ready_when(move || {
        let store = store.clone();
        async move { store.ping().await.map_err(|e| e.to_string()) }
    });
    routes(state)
        .merge(openapi::router())
        .merge(health::router(readiness))
        .merge(todo_kit::metrics::router())
}
