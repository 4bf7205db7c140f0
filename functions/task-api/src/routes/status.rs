//! Completing and reopening: `POST /api/tasks/{id}/complete`, `POST /api/tasks/{id}/reopen`, and
//! the compatibility toggle `PATCH /api/{user_id}/tasks/{id}/complete`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use todo_domain::Status;
use todo_kit::{AppPath, AuthUser, RequestContext};

use super::cross_user::checked;
use super::{TaskPath, count_operation, task_response, write_context};
use crate::AppState;
use crate::error::ApiError;
use crate::etag::if_match;

#[derive(Debug, Clone, Copy)]
enum Change {
    Complete,
    Reopen,
    Toggle,
}

/// Marks a task completed (no change if it already is).
#[utoipa::path(post, path = "/api/tasks/{id}/complete", tag = "tasks",
    params(("id" = i64, Path, description = "Task id"), ("If-Match" = Option<String>, Header, description = "ETag the change is based on")),
    responses((status = 200, description = "The completed task", body = todo_domain::Task),
        (status = 404, description = "No such task for this user", body = todo_kit::Problem),
        (status = 412, description = "The task changed since the given ETag", body = todo_kit::Problem)))]
pub(crate) async fn tasks_complete(
    State(state): State<AppState>,
    user: AuthUser,
    ctx: RequestContext,
    AppPath(path): AppPath<TaskPath>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    change(state, user, ctx, path, headers, Change::Complete).await
}

/// Makes a completed task pending again (no change if it is pending).
#[utoipa::path(post, path = "/api/tasks/{id}/reopen", tag = "tasks",
    params(("id" = i64, Path, description = "Task id"), ("If-Match" = Option<String>, Header, description = "ETag the change is based on")),
    responses((status = 200, description = "The reopened task", body = todo_domain::Task),
        (status = 404, description = "No such task for this user", body = todo_kit::Problem),
        (status = 412, description = "The task changed since the given ETag", body = todo_kit::Problem)))]
pub(crate) async fn tasks_reopen(
    State(state): State<AppState>,
    user: AuthUser,
    ctx: RequestContext,
    AppPath(path): AppPath<TaskPath>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    change(state, user, ctx, path, headers, Change::Reopen).await
}

/// Flips completion, as the hackathon brief's `PATCH .../complete` does.
pub(crate) async fn tasks_toggle(
    State(state): State<AppState>,
    user: AuthUser,
    ctx: RequestContext,
    AppPath(path): AppPath<TaskPath>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    change(state, user, ctx, path, headers, Change::Toggle).await
}

async fn change(
    state: AppState,
    user: AuthUser,
    ctx: RequestContext,
    path: TaskPath,
    headers: HeaderMap,
    change: Change,
) -> Result<Response, ApiError> {
    let (id, expected) = (path.id()?, if_match(&headers)?);
    let write = write_context(&user, &ctx);
    let complete = match change {
        Change::Complete => Some(true),
        Change::Reopen => Some(false),
        Change::Toggle => None,
    };
    let (complete, expected) = match complete {
        Some(complete) => (complete, expected),
        None => {
            // The version read here guards the flip: a concurrent change makes it a 412, not a double flip.
            let task = checked(&state, &user.user_id, state.store.get(&user.user_id, id).await).await?;
            (task.status == Status::Pending, Some(expected.unwrap_or(task.version)))
        }
    };
    let changed = if complete {
        state.store.complete(&write, id, expected).await
    } else {
        state.store.reopen(&write, id, expected).await
    };
    let task = checked(&state, &user.user_id, changed).await?;
    count_operation(if complete { "complete" } else { "reopen" });
    Ok(task_response(StatusCode::OK, task))
}
