//! notifier: webhooks for the todo platform.
//!
//! A user subscribes an endpoint to event types (`/api/webhooks`, [`routes`]). The event handler
//! (consumer `notifier`, [`handler`]) queues one delivery per matching subscription of the event's
//! user, in the same transaction that marks the event processed. The [`DeliveryWorker`] sends
//! each delivery as a structured CloudEvent, signed per Standard Webhooks ([`verify_signature`]
//! is the receiver's check), retries failures with jittered exponential backoff within a retry
//! horizon, and records the result together with a `notification.sent` or `notification.failed`
//! event in the task database's outbox, which the outbox relay publishes.
//!
//! # Receiving webhooks
//!
//! Each request is a `POST` with `content-type: application/cloudevents+json` (the event as a
//! structured CloudEvent), `user-agent: todo-notifier/<version>` and the Standard Webhooks
//! headers `webhook-id` (the delivery id, the same on every retry: deduplicate on it),
//! `webhook-timestamp` (unix seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256>` over
//! `"{id}.{timestamp}.{body}"` with the secret's key bytes). Check it with [`verify_signature`]
//! and refuse timestamps far from your clock. Answer 2xx when done; any other status, a timeout
//! (default 10 s) or a connection error is retried with jittered exponential backoff (5 s doubling
//! to 1 h) for 24 hours from the first attempt; 410 Gone disables the subscription. Redirects are
//! not followed. Targets on private, loopback or link-local addresses are refused at creation
//! and again at every delivery, unless `WEBHOOK_ALLOW_PRIVATE_TARGETS=true`.
//!
//! Subscriptions and deliveries live in the task database (`notifier_*` tables), PostgreSQL in the
//! cluster and the embedded SQLite file in `todo serve`. [`connect`] opens everything;
//! [`routes`] / [`app`] serve the API. Run the tests with `cargo test -p notifier` (PostgreSQL at
//! 127.0.0.1:5432).

mod error;
mod events;
pub mod function;
pub mod handler;
pub mod model;
mod openapi;
mod routes;
pub mod settings;
pub mod signature;
pub mod store;
pub mod target;
pub mod worker;

use std::sync::Arc;

use axum::Router;
use axum::extract::FromRef;
use todo_kit::Authenticator;
use todo_kit::handler::EventHandler;
use todo_kit::health;
use todo_kit::idempotency::Idempotent;
use tokio::sync::Notify;

pub use error::{Error, Result};
pub use function::{FUNCTION, start};
pub use handler::{CONSUMER, NotifierHandler};
pub use openapi::ApiDoc;
pub use settings::Settings;
pub use signature::verify_signature;
pub use store::NotifierStore;
pub use todo_kit::clock;
pub use todo_kit::clock::{Clock, ManualClock, SystemClock};
pub use worker::DeliveryWorker;

/// The `service` label of this function's metrics and logs.
pub const SERVICE: &str = "notifier";

/// The CloudEvents `source` of the events this function publishes.
pub const EVENT_SOURCE: &str = "/functions/notifier";

/// The topics the handler consumes: every domain topic, since a subscription may name any
/// non-notification type. `notification-events` is included so that a future producer of
/// notifications is heard; the notifier's own events are skipped (see [`handler`]).
pub const TOPICS: &[todo_events::Topic] = FUNCTION.consumes;

/// What the handlers share.
#[derive(Debug, Clone)]
pub struct AppState {
    /// Subscriptions and deliveries.
    pub store: Arc<dyn NotifierStore>,
    /// Verifies bearer tokens.
    pub auth: Arc<Authenticator>,
    /// Target checks and limits.
    pub settings: Arc<Settings>,
    /// Creation times.
    pub clock: Arc<dyn Clock>,
}

impl FromRef<AppState> for Arc<Authenticator> {
    fn from_ref(state: &AppState) -> Self {
        state.auth.clone()
    }
}

/// Everything a process running the notifier needs.
#[derive(Clone)]
pub struct Notifier {
    /// The event handler (idempotent; wakes the worker after queueing).
    pub handler: Arc<dyn EventHandler>,
    /// The state of the API routes.
    pub state: AppState,
    /// The delivery worker: spawn `worker.clone().run(shutdown)`.
    pub worker: Arc<DeliveryWorker>,
}

/// Opens the notifier on the task database at `database_url` with the system clock.
///
/// # Errors
/// As [`connect_with_clock`].
pub async fn connect(database_url: &str, settings: Settings, auth: Arc<Authenticator>) -> Result<Notifier> {
    connect_with_clock(database_url, settings, auth, Arc::new(SystemClock)).await
}

/// Opens the notifier with `clock` as its time source: applies the task migrations, the
/// notifier's and the idempotency records', and builds handler, API state and worker.
///
/// # Errors
/// `Config` for an unsupported URL or HTTP client setup; database errors.
pub async fn connect_with_clock(
    database_url: &str,
    settings: Settings,
    auth: Arc<Authenticator>,
    clock: Arc<dyn Clock>,
) -> Result<Notifier> {
    let backend = store::connect(database_url).await?;
    let inner = NotifierHandler::new(clock.clone());
    let idempotent: Arc<dyn EventHandler> = match &backend {
        store::Backend::Postgres(s) => Arc::new(Idempotent::new(s.pool().clone(), inner).await?),
        store::Backend::Sqlite(s) => Arc::new(Idempotent::new(s.pool().clone(), inner).await?),
    };
    let store = backend.store();
    let settings = Arc::new(settings);
    let wake = Arc::new(Notify::new());
    let worker = Arc::new(DeliveryWorker::new(
        store.clone(),
        settings.clone(),
        clock.clone(),
        wake.clone(),
    )?);
    Ok(Notifier {
        handler: Arc::new(handler::Waking::new(idempotent, wake)),
        state: AppState {
            store,
            auth,
            settings,
            clock,
        },
        worker,
    })
}

impl std::fmt::Debug for Notifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notifier")
            .field("consumer", &self.handler.name())
            .field("state", &self.state)
            .field("worker", &self.worker)
            .finish()
    }
}

/// The API routes without probes or middleware, for mounting into a larger gateway.
pub fn routes(state: AppState) -> Router {
    todo_kit::metrics::track_http(SERVICE, routes::router(state))
}

/// The complete function: API routes, OpenAPI document, probes, metrics and the standard middleware.
pub fn app(state: AppState) -> Router {
    app_with(state, Router::new())
}

/// [`app`] with `extra` routes (the CloudEvents push routes, say) behind the same middleware.
pub fn app_with(state: AppState, extra: Router) -> Router {
    todo_kit::layers::standard(unlayered(state).merge(extra))
}

/// API routes, OpenAPI document, probes and metrics without the standard middleware, for the
/// kit's runtime to add routes to.
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
