//! aiops: the platform watching itself.
//!
//! - The [`watch`] reads the key figures of every component each minute from a
//!   [`MetricSource`](source::MetricSource) (Prometheus in the cluster, this process's own
//!   registry in `todo serve`), scores each series with its own streaming detector
//!   (`todo_aiops::detector`) and publishes an `anomaly.detected` event per anomalous point.
//! - Anomalies and Alertmanager's alerts (`POST /api/aiops/alerts`) are signals for the
//!   correlator (`todo_aiops::correlation`), which groups those of related components into
//!   incidents with a probable root cause (`GET /api/aiops/incidents`); `incident.opened` and
//!   `incident.resolved` go to `ops-events` as they happen. Maintenance windows
//!   (`PUT /api/aiops/maintenance/{component}`) silence a component during planned work.
//! - With a log source (Loki, or the process's own lines under `todo serve`), the watch also
//!   mines the warning and error lines into templates and reports a template's burst as an
//!   anomaly of series `log_burst` ([`watch`]).
//! - Each HTTP function's request rate feeds a Holt-Winters forecaster; `GET
//!   /api/aiops/scaling/{function}` answers the replicas for the rate expected 15 minutes ahead,
//!   which KEDA's metrics-api scaler reads.
//! - Open incidents go to the guarded remediation engine ([`remediate`]): dry run unless
//!   `AIOPS_REMEDIATION=auto`, destructive actions only after `POST
//!   /api/aiops/actions/{id}/approve`, an [`Executor`](remediate::Executor) to carry them out
//!   (`todo serve`'s own consumers through [`LocalExecutor`](remediate::LocalExecutor)), and a
//!   `remediation.*` event and an `audit` log line for every change.
//!
//! State is in memory and bounded ([`state`]): this step keeps no database. [`FUNCTION`] describes
//! the deployable function; [`Aiops::new`] builds it for `main`, `todo serve` and the tests. Run
//! the tests with `cargo test -p aiops` (no service needed: Prometheus is played by a small HTTP
//! server speaking its query API, the bus is the in-memory one).

mod error;
mod events;
pub mod function;
mod http_api;
pub mod logs;
mod openapi;
pub mod remediate;
mod routes;
mod scaling;
pub mod source;
pub mod state;
pub mod watch;

use std::sync::Arc;

use axum::Router;
use secrecy::SecretString;
use todo_aiops::remediation::{RemediationEngine, RemediationSettings};
use todo_kit::Authenticator;
use todo_kit::clock::Clock;

pub use error::{Error, Result};
pub use events::Publisher;
pub use function::{FUNCTION, Settings, Sources, start};
pub use openapi::ApiDoc;
pub use remediate::{Executor, LocalExecutor, Remediation};
pub use scaling::{HORIZON, parse_capacities};
pub use state::{Anomaly, Ops};
pub use watch::{LOG_BURST, Watch, WatchSettings};

/// The `service` label of this function's metrics and logs.
pub const SERVICE: &str = "aiops";

/// The CloudEvents `source` of the events this function publishes.
pub const EVENT_SOURCE: &str = "/functions/aiops";

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    /// Incidents, anomalies, maintenance and forecasts.
    pub ops: Arc<Ops>,
    /// The remediation engine, its executor and its audit trail.
    pub remediation: Arc<Remediation>,
    /// Verifies users' bearer tokens.
    pub auth: Arc<Authenticator>,
    /// `AIOPS_WEBHOOK_TOKEN`; without it the webhook refuses every request.
    pub webhook_token: Option<Arc<SecretString>>,
    /// The time of webhooks, advice and maintenance windows.
    pub clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Not the token.
        f.debug_struct("AppState")
            .field("ops", &self.ops)
            .field("remediation", &self.remediation)
            .field("webhook_token", &self.webhook_token.as_ref().map(|_| "(set)"))
            .finish_non_exhaustive()
    }
}

/// Everything a process running aiops needs: the routes' state and the unit of work.
#[derive(Debug, Clone)]
pub struct Aiops {
    /// The state of the routes.
    pub state: AppState,
    /// The watch: `POST /work/watch`, or a loop.
    pub watch: Arc<Watch>,
}

impl Aiops {
    /// aiops with `settings`, reading `sources`, publishing with `publisher`, remediating through
    /// `executor`.
    pub fn new(
        settings: &Settings,
        sources: Sources,
        publisher: Publisher,
        auth: Arc<Authenticator>,
        clock: Arc<dyn Clock>,
        executor: Arc<dyn Executor>,
    ) -> Self {
        let publisher = Arc::new(publisher);
        let ops = Arc::new(Ops::new(publisher.clone(), &settings.capacities, settings.watch.step));
        let mut engine = RemediationEngine::new(RemediationSettings::default(), settings.playbooks.clone());
        engine.set_mode(settings.remediation);
        let remediation = Arc::new(Remediation::new(engine, executor, publisher, clock.clone()));
        let watch = Arc::new(Watch::new(
            sources.metrics,
            sources.logs,
            ops.clone(),
            remediation.clone(),
            settings.watch,
            clock.clone(),
        ));
        Self {
            state: AppState {
                ops,
                remediation,
                auth,
                webhook_token: settings.webhook_token.clone().map(Arc::new),
                clock,
            },
            watch,
        }
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

/// API routes, OpenAPI document, probes and metrics without the standard middleware, for the
/// kit's runtime to add routes to. Always ready: without Prometheus the watch fails and says so
/// (`aiops_watch_errors_total`), but the incidents and the webhook still work.
pub fn unlayered(state: AppState) -> Router {
    routes(state)
        .merge(openapi::router())
        .merge(todo_kit::health::router(todo_kit::health::always_ready()))
        .merge(todo_kit::metrics::router())
}
