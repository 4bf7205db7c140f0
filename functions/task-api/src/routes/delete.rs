//! `DELETE /api/tasks/{id}`: delete a task, with an optional reason (`?reason=` or a JSON body
//! `{"reason": "..."}`) carried into `task.deleted`.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use todo_domain::limits::REASON_MAX;
use todo_kit::problem::InvalidParam;
use todo_kit::{AppPath, AuthUser, Problem, RequestContext};

use super::{TaskPath, count_operation, write_context};
use crate::AppState;
use crate::error::ApiError;
use crate::etag::if_match;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeleteReason {
    reason: Option<String>,
}

/// Deletes a task. Its history stays, and `task.deleted` is published.
#[utoipa::path(delete, path = "/api/tasks/{id}", tag = "tasks",
    params(("id" = i64, Path, description = "Task id"), ("reason" = Option<String>, Query, description = "Why (up to 500 characters)"),
        ("If-Match" = Option<String>, Header, description = "ETag the change is based on")),
    responses((status = 204, description = "Deleted"),
        (status = 404, description = "No such task for this user", body = todo_kit::Problem),
        (status = 412, description = "The task changed since the given ETag", body = todo_kit::Problem),
        (status = 422, description = "Reason too long", body = todo_kit::Problem)))]
pub(crate) async fn tasks_delete(
    State(state): State<AppState>,
    user: AuthUser,
    ctx: RequestContext,
    AppPath(path): AppPath<TaskPath>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<StatusCode, ApiError> {
    let body = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => Problem::payload_too_large(),
        _ => Problem::bad_request("unreadable-body", rejection.body_text()),
    })?;
    let reason = reason(query.as_deref(), &body)?;
    let (id, expected) = (path.id()?, if_match(&headers)?);
    let deleted = state
        .store
        .delete(&write_context(&user, &ctx), id, expected, reason)
        .await;
    super::cross_user::checked(&state, &user.user_id, deleted).await?;
    count_operation("delete");
    Ok(StatusCode::NO_CONTENT)
}

fn reason(query: Option<&str>, body: &[u8]) -> Result<Option<String>, Problem> {
    let from_query = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "reason")
        .map(|(_, v)| v.into_owned());
    let from_body = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        let parsed: DeleteReason = serde_json::from_slice(body).map_err(|e| {
            Problem::bad_request("invalid-body", format!("The body must be {{\"reason\": \"...\"}}: {e}"))
        })?;
        parsed.reason
    };
    let reason = from_body
        .or(from_query)
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    match reason {
        Some(r) if r.chars().count() > REASON_MAX => Err(Problem::validation(
            format!("reason: at most {REASON_MAX} characters"),
            vec![InvalidParam {
                name: "reason".into(),
                reason: format!("at most {REASON_MAX} characters"),
            }],
        )),
        other => Ok(other),
    }
}
