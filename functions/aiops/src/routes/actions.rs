//! Remediation actions: `GET /api/aiops/actions` (`?status=`), `GET /api/aiops/actions/{id}`, and
//! a person's decision on one, `POST /api/aiops/actions/{id}/approve` and `/reject`. Deciding
//! takes a user's token: the service token (Alertmanager's, KEDA's) may read but not decide, so
//! that every approval in the audit trail names a person. An approved action runs at once.

use axum::Extension;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use serde::Serialize;
use todo_aiops::remediation::{ActionRecord, ActionStatus, RemediationError};
use todo_kit::audit::AuditEvent;
use todo_kit::problem::InvalidParam;
use todo_kit::{AppJson, AppPath, Problem};

use super::auth::Caller;
use super::query_pairs;
use crate::AppState;

/// Remediation actions.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct ActionList {
    /// Newest first, each with its action, status, reason, decision, outcome and verdict.
    #[schema(value_type = Vec<Object>)]
    items: Vec<ActionRecord>,
}

/// The remediation actions kept, of one status if asked.
#[utoipa::path(get, path = "/api/aiops/actions", tag = "aiops",
    params(("status" = Option<String>, Query, description = "proposed, dry_run, awaiting_approval, approved, executing, succeeded, failed, rolled_back, rejected or blocked")),
    responses((status = 200, description = "The actions, newest first", body = ActionList),
        (status = 400, description = "An unknown status", body = todo_kit::Problem)))]
pub(crate) async fn actions_index(
    State(state): State<AppState>,
    _caller: Caller,
    RawQuery(query): RawQuery,
) -> Result<AppJson<ActionList>, Problem> {
    let mut status = None;
    for (name, value) in query_pairs(query.as_deref()) {
        if name == "status" {
            status = Some(parse_status(&value)?);
        }
    }
    Ok(AppJson(ActionList {
        items: state.remediation.actions(status),
    }))
}

/// One remediation action.
#[utoipa::path(get, path = "/api/aiops/actions/{id}", tag = "aiops",
    params(("id" = String, Path, description = "Action id, e.g. act-3")),
    responses((status = 200, description = "The action", body = Object),
        (status = 404, description = "No such action (finished ones are kept for the last 1,000)", body = todo_kit::Problem)))]
pub(crate) async fn actions_show(
    State(state): State<AppState>,
    _caller: Caller,
    AppPath(id): AppPath<String>,
) -> Result<AppJson<ActionRecord>, Problem> {
    state
        .remediation
        .action(&id)
        .map(AppJson)
        .ok_or_else(|| problem(&RemediationError::UnknownAction(id)))
}

/// Approves an action awaiting approval and runs it at once; answers the action as it is after.
#[utoipa::path(post, path = "/api/aiops/actions/{id}/approve", tag = "aiops",
    params(("id" = String, Path, description = "Action id")),
    responses((status = 200, description = "Approved, and run when it was ready", body = Object),
        (status = 403, description = "The service token cannot decide", body = todo_kit::Problem),
        (status = 404, description = "No such action", body = todo_kit::Problem),
        (status = 409, description = "The action is not awaiting approval", body = todo_kit::Problem)))]
#[tracing::instrument(skip_all, fields(action_id = %id))]
pub(crate) async fn actions_approve(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<String>,
) -> Result<(Extension<AuditEvent>, AppJson<ActionRecord>), Problem> {
    let approver = person(&caller)?;
    state.remediation.approve(&id, approver).map_err(|e| problem(&e))?;
    state.remediation.execute_ready().await;
    flush(&state).await;
    state
        .remediation
        .action(&id)
        .map(|record| (Extension(AuditEvent::ADMIN_ACTION), AppJson(record)))
        .ok_or_else(|| problem(&RemediationError::UnknownAction(id)))
}

/// Rejects an action that has not run.
#[utoipa::path(post, path = "/api/aiops/actions/{id}/reject", tag = "aiops",
    params(("id" = String, Path, description = "Action id")),
    responses((status = 200, description = "Rejected", body = Object),
        (status = 403, description = "The service token cannot decide", body = todo_kit::Problem),
        (status = 404, description = "No such action", body = todo_kit::Problem),
        (status = 409, description = "The action already ran or was decided", body = todo_kit::Problem)))]
#[tracing::instrument(skip_all, fields(action_id = %id))]
pub(crate) async fn actions_reject(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<String>,
) -> Result<(Extension<AuditEvent>, AppJson<ActionRecord>), Problem> {
    let by = person(&caller)?;
    let record = state.remediation.reject(&id, by).map_err(|e| problem(&e))?;
    flush(&state).await;
    Ok((Extension(AuditEvent::ADMIN_ACTION), AppJson(record)))
}

/// The user behind a decision; the service token is refused.
fn person(caller: &Caller) -> Result<&str, Problem> {
    match caller {
        Caller::User(id) => Ok(id),
        Caller::Service => Err(Problem::new(
            StatusCode::FORBIDDEN,
            "decision-needs-a-person",
            "Forbidden",
            "Remediation actions are approved or rejected by a person: use a user's token, not the service token.",
        )),
    }
}

/// Sends the audit events the decision made; they go with the next flush if the bus refuses.
async fn flush(state: &AppState) {
    if let Err(error) = state.ops.flush().await {
        tracing::warn!(%error, "cannot publish the remediation events yet");
    }
}

/// `status` as an action status (its snake_case name).
fn parse_status(value: &str) -> Result<ActionStatus, Problem> {
    serde_json::from_value(serde_json::Value::from(value)).map_err(|_| {
        let mut problem = Problem::bad_request("invalid-query", "The status cannot be used.");
        problem.invalid_params = vec![InvalidParam {
            name: "status".into(),
            reason: format!(
                "must be proposed, dry_run, awaiting_approval, approved, executing, succeeded, failed, rolled_back, rejected or blocked, got '{value}'"
            ),
        }];
        problem
    })
}

/// The problem for a refused decision: 404 for an unknown action, 409 for a status that does not
/// allow it.
fn problem(error: &RemediationError) -> Problem {
    match error {
        RemediationError::UnknownAction(id) => Problem::new(
            StatusCode::NOT_FOUND,
            "action-not-found",
            "Action not found",
            format!("No remediation action '{id}' is kept."),
        ),
        RemediationError::Conflict { .. } => Problem::new(
            StatusCode::CONFLICT,
            "action-not-pending",
            "The action cannot be decided now",
            error.to_string(),
        ),
        RemediationError::Anonymous => Problem::bad_request("anonymous-decision", error.to_string()),
        RemediationError::Playbooks(_) => Problem::internal(),
    }
}
