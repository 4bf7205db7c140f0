//! `GET /api/aiops/scaling/{function}`: the replicas a function should run, for KEDA's
//! metrics-api scaler (`valueLocation: desired_replicas`, `targetValue: "1"`).

use axum::extract::State;
use axum::http::StatusCode;
use todo_aiops::forecast::ScalingAdvice;
use todo_kit::{AppJson, AppPath, Problem};

use super::auth::Caller;
use crate::AppState;

/// The advice for one function named in `AIOPS_CAPACITY`.
#[utoipa::path(get, path = "/api/aiops/scaling/{function}", tag = "aiops",
    params(("function" = String, Path, description = "A function named in AIOPS_CAPACITY, e.g. task-api")),
    responses((status = 200, description = "function, current_rps, forecast_rps, horizon_seconds, desired_replicas, reactive_replicas, generated_at", body = Object),
        (status = 404, description = "No capacity is configured for this function", body = todo_kit::Problem)))]
pub(crate) async fn scaling_show(
    State(state): State<AppState>,
    _caller: Caller,
    AppPath(function): AppPath<String>,
) -> Result<AppJson<ScalingAdvice>, Problem> {
    state
        .ops
        .scaling(&function, state.clock.now())
        .map(AppJson)
        .ok_or_else(|| {
            Problem::new(
                StatusCode::NOT_FOUND,
                "unknown-function",
                "No scaling advice",
                format!("'{function}' has no capacity in AIOPS_CAPACITY, so there is no advice for it."),
            )
        })
}
