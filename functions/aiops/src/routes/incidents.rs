//! `GET /api/aiops/incidents` (`?status=open|resolved|merged`) and `GET /api/aiops/incidents/{id}`.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use serde::Serialize;
use todo_aiops::correlation::{Incident, IncidentStatus};
use todo_kit::problem::InvalidParam;
use todo_kit::{AppJson, AppPath, Problem};

use super::auth::Caller;
use super::query_pairs;
use crate::AppState;

/// Incidents, open ones first (oldest first), then closed ones (newest first).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct IncidentList {
    /// Each with its signals, components and root cause (component, confidence, evidence).
    #[schema(value_type = Vec<Object>)]
    items: Vec<Incident>,
}

/// The incidents, of one status if asked.
#[utoipa::path(get, path = "/api/aiops/incidents", tag = "aiops",
    params(("status" = Option<String>, Query, description = "open, resolved or merged")),
    responses((status = 200, description = "The incidents", body = IncidentList),
        (status = 400, description = "An unknown status", body = todo_kit::Problem)))]
pub(crate) async fn incidents_index(
    State(state): State<AppState>,
    _caller: Caller,
    RawQuery(query): RawQuery,
) -> Result<AppJson<IncidentList>, Problem> {
    let mut status = None;
    for (name, value) in query_pairs(query.as_deref()) {
        if name != "status" {
            continue;
        }
        status = Some(match value.as_str() {
            "open" => IncidentStatus::Open,
            "resolved" => IncidentStatus::Resolved,
            "merged" => IncidentStatus::Merged,
            _ => {
                let mut problem = Problem::bad_request("invalid-query", "The status cannot be used.");
                problem.invalid_params = vec![InvalidParam {
                    name: "status".into(),
                    reason: format!("must be open, resolved or merged, got '{value}'"),
                }];
                return Err(problem);
            }
        });
    }
    Ok(AppJson(IncidentList {
        items: state.ops.incidents(status),
    }))
}

/// One incident, open or closed.
#[utoipa::path(get, path = "/api/aiops/incidents/{id}", tag = "aiops",
    params(("id" = String, Path, description = "Incident id")),
    responses((status = 200, description = "The incident", body = Object),
        (status = 404, description = "No such incident (closed ones are kept for the last 500)", body = todo_kit::Problem)))]
pub(crate) async fn incidents_show(
    State(state): State<AppState>,
    _caller: Caller,
    AppPath(id): AppPath<String>,
) -> Result<AppJson<Incident>, Problem> {
    state.ops.incident(&id).map(AppJson).ok_or_else(|| {
        Problem::new(
            StatusCode::NOT_FOUND,
            "incident-not-found",
            "Incident not found",
            format!("No incident '{id}' is open or remembered."),
        )
    })
}
