//! task-api: the REST API over a user's tasks.
//!
//! `app(state)` is the whole function as an axum Router: `main.rs` serves it on `$PORT` or as a
//! Lambda, `todo serve` mounts it beside the other functions, and tests call it directly.
//! Every route is scoped to the authenticated user; every write goes through the task store,
//! which records history and outbox events in the same transaction. [`live`] streams the caller's
//! task events as they happen (`GET /api/stream`).

mod error;
mod etag;
pub mod function;
mod list_cache;
pub mod live;
mod openapi;
mod routes;

use std::sync::Arc;

use axum::Router;
use axum::extract::FromRef;
use todo_kit::Authenticator;
use todo_kit::health;
use todo_tasks::store::TaskStore;

pub use function::{FUNCTION, start};
pub use list_cache::ListCache;
pub use openapi::ApiDoc;

/// The `service` label of this function's metrics and logs.
pub const SERVICE: &str = "task-api";

/// The CloudEvents `source` of events this function publishes.
pub const EVENT_SOURCE: &str = "/functions/task-api";

/// What the handlers share.
#[derive(Debug, Clone)]
pub struct AppState {
    /// Where tasks live.
    pub store: Arc<dyn TaskStore>,
    /// Verifies bearer tokens.
    pub auth: Arc<Authenticator>,
    /// Serialized list pages, valid while the owner's list version stands.
    pub list_cache: Arc<ListCache>,
}

impl AppState {
    /// State with a list cache sized from `TASK_LIST_CACHE_MB`.
    pub fn new(store: Arc<dyn TaskStore>, auth: Arc<Authenticator>) -> Self {
        Self {
            store,
            auth,
            list_cache: Arc::new(ListCache::from_env()),
        }
    }
}

impl FromRef<AppState> for Arc<Authenticator> {
    fn from_ref(state: &AppState) -> Self {
        state.auth.clone()
    }
}

/// The API routes without probes or middleware, for mounting into a larger gateway.
pub fn routes(state: AppState) -> Router {
    routes::router(state)
}

/// API routes, OpenAPI document, probes and metrics, without middleware: the base of a gateway
/// that mounts other functions' routes beside it and adds the middleware once.
pub fn service(state: AppState) -> Router {
    let store = state.store.clone();
    let readiness = health::ready_when(move || {
        let store = store.clone();
        async move { store.ping().await.map_err(|e| todo_kit::error_chain::error_chain(&e)) }
    });
    routes(state)
        .merge(openapi::router())
        .merge(health::router(readiness))
        .merge(todo_kit::metrics::router())
}

/// The complete function: [`service`] with the standard middleware.
pub fn app(state: AppState) -> Router {
    todo_kit::layers::standard(service(state))
}
