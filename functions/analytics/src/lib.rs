//! analytics: the CQRS query side of the platform. It consumes `task.*`, `session.*`, `intent.*`
//! and `notification.*` events into a per-user read model and answers questions about it:
//! tasks created, completed and deleted, completion rate and time to complete, open and overdue
//! tasks by priority and tag, chat sessions and messages, recognized intents, notification
//! delivery, and trends of each per day or week.
//!
//! - Events get in through [`ReadModel::handler`], an idempotent [`EventHandler`] (consumer
//!   `analytics`): behind a Kafka consumer group, HTTP push (Knative, Dapr) or the in-memory bus.
//!   What each event changes is decided without I/O in `change`; the per-task facts merge in any
//!   order (`facts`), so out-of-order and repeated deliveries give the same numbers.
//! - The model lives in PostgreSQL or SQLite, chosen by URL ([`connect`]); both pass one
//!   conformance suite (`tests/conformance`).
//! - The API ([`routes`], [`app`]): `GET /api/analytics/summary`, `/trends`, `/intents`, each
//!   scoped to the caller.
//! - [`rebuild()`] recomputes the model from the topics' history; [`rebuild_routes`] serves it as
//!   `POST /api/admin/analytics/rebuild` (mounted by `todo serve` only).
//!
//! Run the tests with `cargo test -p analytics` (PostgreSQL at 127.0.0.1:5432, see todo-testing).

pub mod audit;
mod change;
mod error;
mod facts;
pub mod function;
mod handler;
pub mod model;
mod openapi;
pub mod range;
pub mod rebuild;
pub mod report;
mod routes;
mod stats;
pub mod store;

use std::sync::Arc;

use axum::Router;
use axum::extract::FromRef;
use todo_kit::Authenticator;
use todo_kit::handler::EventHandler;
use todo_kit::health;

pub use error::{Error, Result};
pub use function::{FUNCTION, start};
pub use handler::AnalyticsHandler;
pub use model::{CONSUMER, Metric, ReadModel};
pub use openapi::ApiDoc;
pub use rebuild::{RebuildReport, rebuild};
pub use routes::rebuild::RebuildState;
pub use stats::Bucket;

/// The `service` label of this function's metrics and logs.
pub const SERVICE: &str = "analytics";

/// The topics the read model is kept from (without any deployment prefix).
pub fn topics() -> Vec<&'static str> {
    FUNCTION.consumes.iter().map(|t| t.name()).collect()
}

/// [`topics`] with a deployment's `TOPIC_PREFIX` in front.
pub fn prefixed_topics(prefix: &str) -> Vec<String> {
    FUNCTION.consumed_topics(prefix)
}

/// What the handlers share.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The read model.
    pub model: Arc<dyn ReadModel>,
    /// Verifies bearer tokens.
    pub auth: Arc<Authenticator>,
}

impl FromRef<AppState> for Arc<Authenticator> {
    fn from_ref(state: &AppState) -> Self {
        state.auth.clone()
    }
}

/// An opened read model: its event handler for a consumer, and the state for the routes.
#[derive(Clone)]
pub struct Analytics {
    /// The read model.
    pub model: Arc<dyn ReadModel>,
    /// The idempotent handler that keeps it (consumer [`CONSUMER`]).
    pub handler: Arc<dyn EventHandler>,
}

impl std::fmt::Debug for Analytics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analytics")
            .field("model", &self.model)
            .field("handler", &self.handler.name())
            .finish()
    }
}

impl Analytics {
    /// The routes' state, verifying tokens with `auth`.
    pub fn state(&self, auth: Arc<Authenticator>) -> AppState {
        AppState {
            model: self.model.clone(),
            auth,
        }
    }
}

/// Opens the read model of a `postgres://` or `sqlite://` URL, creating its tables if needed.
///
/// # Errors
/// `Config` for another scheme; `Database` when the database cannot be opened or prepared.
pub async fn connect(database_url: &str) -> Result<Analytics> {
    let model = store::connect(database_url).await?;
    let handler = model.handler();
    Ok(Analytics { model, handler })
}

/// The API routes without probes or middleware, for mounting into a larger gateway.
pub fn routes(state: AppState) -> Router {
    todo_kit::metrics::track_http(SERVICE, routes::router(state))
}

/// `POST /api/admin/analytics/rebuild` without middleware: `todo serve` mounts it beside
/// [`routes`] to rebuild from its in-process bus. Not part of [`app`]: in the cluster
/// `todo analytics rebuild --bus kafka://...` replays Kafka itself (see `routes/rebuild.rs`).
pub fn rebuild_routes(state: RebuildState) -> Router {
    routes::rebuild::router(state)
}

/// [`app`] without the standard middleware, for the kit's runtime to add routes to.
pub fn unlayered(state: AppState) -> Router {
    let model = state.model.clone();
    let readiness = health::ready_when(move || {
        let model = model.clone();
        async move { model.ping().await.map_err(|e| e.to_string()) }
    });
    routes(state)
        .merge(openapi::router())
        .merge(health::router(readiness))
        .merge(todo_kit::metrics::router())
}

/// The complete function: API routes, OpenAPI document, probes, metrics and the standard middleware.
pub fn app(state: AppState) -> Router {
    todo_kit::layers::standard(unlayered(state))
}

/// [`app`] plus HTTP push delivery of events (`POST /`, Dapr's `/dapr/subscribe` and
/// `/dapr/events` on pub/sub `pubsub`) into `handler`, under the same middleware.
pub fn app_with_push(state: AppState, handler: Arc<dyn EventHandler>, topics: Vec<String>, pubsub: &str) -> Router {
    let push = todo_kit::handler::push::router(handler, topics, pubsub);
    todo_kit::layers::standard(unlayered(state).merge(push))
}
