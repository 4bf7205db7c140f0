//! `GET /api/aiops/anomalies?limit=N`: the recent anomalies, newest first.

use axum::extract::{RawQuery, State};
use serde::Serialize;
use todo_kit::problem::InvalidParam;
use todo_kit::{AppJson, Problem};

use super::auth::Caller;
use super::query_pairs;
use crate::AppState;
use crate::state::{Anomaly, MAX_ANOMALIES};

/// Page size when `limit` is not given.
const DEFAULT_LIMIT: usize = 100;

/// Recent anomalies.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct AnomalyList {
    /// Newest first.
    items: Vec<Anomaly>,
}

/// The most recent anomalies (the last 1,000 are kept).
#[utoipa::path(get, path = "/api/aiops/anomalies", tag = "aiops",
    params(("limit" = Option<usize>, Query, description = "1-1000, default 100")),
    responses((status = 200, description = "Anomalies, newest first", body = AnomalyList),
        (status = 400, description = "A bad limit", body = todo_kit::Problem)))]
pub(crate) async fn anomalies_index(
    State(state): State<AppState>,
    _caller: Caller,
    RawQuery(query): RawQuery,
) -> Result<AppJson<AnomalyList>, Problem> {
    let mut limit = DEFAULT_LIMIT;
    for (name, value) in query_pairs(query.as_deref()) {
        if name == "limit" {
            limit = value
                .parse()
                .ok()
                .filter(|n| (1..=MAX_ANOMALIES).contains(n))
                .ok_or_else(|| {
                    let mut problem = Problem::bad_request("invalid-query", "The limit cannot be used.");
                    problem.invalid_params = vec![InvalidParam {
                        name: "limit".into(),
                        reason: format!("must be a whole number from 1 to {MAX_ANOMALIES}"),
                    }];
                    problem
                })?;
        }
    }
    Ok(AppJson(AnomalyList {
        items: state.ops.anomalies(limit),
    }))
}
