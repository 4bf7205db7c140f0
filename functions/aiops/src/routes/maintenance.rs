//! `PUT /api/aiops/maintenance/{component}` silences a component until a time, for planned work;
//! `DELETE` ends it early. While silenced, the component's firing alerts and anomalies open or
//! join no incident and its anomalies are not published; resolved alerts still close incidents.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, TimeDelta, Utc};
use serde::Deserialize;
use todo_aiops::correlation::MaintenanceWindow;
use todo_kit::problem::InvalidParam;
use todo_kit::{AppJson, AppPath, Problem};

use super::auth::Caller;
use crate::AppState;

/// The longest window: planned work that lasts longer should be planned in steps.
const MAX_WINDOW: TimeDelta = TimeDelta::days(7);
/// The longest reason.
const MAX_REASON: usize = 500;

/// The body of `PUT /api/aiops/maintenance/{component}`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MaintenanceRequest {
    /// RFC 3339 time the window ends, in the future and at most 7 days ahead.
    #[schema(example = "2026-03-14T14:00:00Z")]
    until: Option<String>,
    /// Why, for the people who see the silenced alerts (1 to 500 characters).
    #[schema(example = "PostgreSQL major version upgrade")]
    reason: Option<String>,
}

fn invalid(name: &str, reason: impl Into<String>) -> InvalidParam {
    InvalidParam {
        name: name.into(),
        reason: reason.into(),
    }
}

/// Silences `component` from now until `until`, replacing any window it had.
#[utoipa::path(put, path = "/api/aiops/maintenance/{component}", tag = "aiops",
    params(("component" = String, Path, description = "A component, e.g. postgresql or task-api")),
    request_body = MaintenanceRequest,
    responses((status = 200, description = "The window: components, from, until, reason", body = Object),
        (status = 422, description = "A field is invalid", body = todo_kit::Problem)))]
#[tracing::instrument(skip_all, fields(component = %component, caller = caller.name()))]
pub(crate) async fn maintenance_put(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(component): AppPath<String>,
    AppJson(body): AppJson<MaintenanceRequest>,
) -> Result<AppJson<MaintenanceWindow>, Problem> {
    let now = state.clock.now();
    let mut errors = Vec::new();
    if component.is_empty()
        || component.len() > 128
        || !component
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        errors.push(invalid(
            "component",
            "must be 1 to 128 letters, digits, '-', '_' or '.'",
        ));
    }
    let until = match body.until.as_deref().map(DateTime::parse_from_rfc3339) {
        None => {
            errors.push(invalid("until", "is required"));
            None
        }
        Some(Err(_)) => {
            errors.push(invalid("until", "must be an RFC 3339 time, e.g. 2026-03-14T14:00:00Z"));
            None
        }
        Some(Ok(until)) => {
            let until = until.with_timezone(&Utc);
            if until <= now {
                errors.push(invalid("until", "must be in the future"));
            } else if until - now > MAX_WINDOW {
                errors.push(invalid("until", "must be at most 7 days ahead"));
            }
            Some(until)
        }
    };
    let reason = body.reason.as_deref().map(str::trim).unwrap_or_default().to_owned();
    if reason.is_empty() || reason.chars().count() > MAX_REASON {
        errors.push(invalid("reason", format!("must be 1 to {MAX_REASON} characters")));
    }
    let Some(until) = until.filter(|_| errors.is_empty()) else {
        return Err(Problem::validation("The maintenance window cannot be used.", errors));
    };
    let window = state.ops.maintain(&component, until, &reason, now);
    tracing::info!(%until, %reason, "maintenance window set");
    Ok(AppJson(window))
}

/// Ends `component`'s maintenance now.
#[utoipa::path(delete, path = "/api/aiops/maintenance/{component}", tag = "aiops",
    params(("component" = String, Path, description = "A component under maintenance")),
    responses((status = 204, description = "Ended"),
        (status = 404, description = "The component is not under maintenance", body = todo_kit::Problem)))]
#[tracing::instrument(skip_all, fields(component = %component, caller = caller.name()))]
pub(crate) async fn maintenance_delete(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(component): AppPath<String>,
) -> Result<StatusCode, Problem> {
    match state.ops.end_maintenance(&component) {
        Some(_) => {
            tracing::info!("maintenance window ended");
            Ok(StatusCode::NO_CONTENT)
        }
        None => Err(Problem::new(
            StatusCode::NOT_FOUND,
            "no-maintenance",
            "Not under maintenance",
            format!("'{component}' has no maintenance window."),
        )),
    }
}
