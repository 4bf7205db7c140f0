//! `GET /api/analytics/intents`: which intents the chat recognized in the caller's messages, and
//! how often it failed to.

use axum::extract::State;
use chrono::Utc;
use todo_kit::{AppJson, AuthUser, Problem};

use super::params::{RawParams, invalid_query, params};
use super::store_problem;
use crate::AppState;
use crate::range::TimeRange;
use crate::report::{self, IntentReport};

/// The distribution of recognized intents, and the failures, in a range.
#[utoipa::path(get, path = "/api/analytics/intents", tag = "analytics",
    params(
        ("from" = Option<String>, Query, description = "Start: an RFC 3339 time or a YYYY-MM-DD date (UTC). Default: 29 days before today"),
        ("to" = Option<String>, Query, description = "End (exclusive time, or inclusive date). Default: now. At most 366 days after from")),
    responses((status = 200, description = "The intents", body = IntentReport),
        (status = 400, description = "A bad parameter, a reversed range or one over 366 days", body = todo_kit::Problem),
        (status = 401, description = "No valid bearer token", body = todo_kit::Problem)))]
#[tracing::instrument(name = "analytics.intents", skip_all, fields(user_id = %user.user_id))]
pub(crate) async fn analytics_intents(
    State(state): State<AppState>,
    user: AuthUser,
    raw: RawParams,
) -> Result<AppJson<IntentReport>, Problem> {
    let query = params(raw, &["from", "to"])?;
    let range = TimeRange::parse(
        query.get("from").map(String::as_str),
        query.get("to").map(String::as_str),
        Utc::now(),
    )
    .map_err(invalid_query)?;
    let report = report::intents(state.model.as_ref(), &user.user_id, &range)
        .await
        .map_err(|e| store_problem(&e))?;
    Ok(AppJson(report))
}
