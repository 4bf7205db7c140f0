//! `/healthz` (the process answers) and `/readyz` (its dependencies answer), for Kubernetes
//! probes and for `todo serve`.

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

/// The two probe routes.
pub fn router(readiness: Arc<dyn Readiness>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { Json(json!({ "status": "ok" })) }))
        .route("/readyz", get(readyz))
        .with_state(readiness)
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
