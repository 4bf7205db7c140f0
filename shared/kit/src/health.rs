//! `/healthz` (the process works: it answers, and no Kafka consumer of it is stalled) and
//! `/readyz` (its dependencies answer), for Kubernetes probes and for `todo serve`.

use std::sync::Arc;

use async_trait::async_trait;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use crate::problem::Problem;

/// Something whose dependencies can be checked.
#[async_trait]
pub trait Readiness: Send + Sync {
    /// `Err` with a reason when a dependency does not answer.
    async fn ready(&self) -> Result<(), String>;
}

/// Readiness by an async check, typically a store's ping:
///
/// ```ignore
/// let readiness = health::ready_when(move || {
///     let store = store.clone();
///     async move { store.ping().await.map_err(|e| e.to_string()) }
/// });
/// ```
pub fn ready_when<F, Fut>(check: F) -> Arc<dyn Readiness>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), String>> + Send + 'static,
{
    Arc::new(Check(check))
}

/// Readiness of a function that depends on nothing it could wait for (its outside calls fail
/// per request and say so): always ready.
pub fn always_ready() -> Arc<dyn Readiness> {
    ready_when(|| async { Ok(()) })
}

/// A [`Readiness`] made of a closure.
struct Check<F>(F);

#[async_trait]
impl<F, Fut> Readiness for Check<F>
where
    F: Fn() -> Fut + Send + Sync,
    Fut: Future<Output = Result<(), String>> + Send,
{
    async fn ready(&self) -> Result<(), String> {
        (self.0)().await
    }
}

/// The two probe routes.
pub fn router(readiness: Arc<dyn Readiness>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .with_state(readiness)
}

/// 200, or 503 when a Kafka consumer is stalled: a stalled client does not recover inside the
/// process, so the liveness probe asks for a restart.
async fn healthz() -> Response {
    let stalled = crate::bus::stalled_consumers();
    if stalled.is_empty() {
        return Json(json!({ "status": "ok" })).into_response();
    }
    let reason = stalled.join("; ");
    tracing::error!(%reason, "not live");
    Problem::unavailable(format!("not live: {reason}")).into_response()
}

async fn readyz(State(readiness): State<Arc<dyn Readiness>>) -> Response {
    match readiness.ready().await {
        Ok(()) => Json(json!({ "status": "ready" })).into_response(),
        Err(reason) => {
            tracing::warn!(%reason, "not ready");
            Problem::unavailable(format!("not ready: {reason}")).into_response()
        }
    }
}
