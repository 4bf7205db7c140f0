//! `PATCH /api/tasks/{id}` (partial update) and `PUT /api/tasks/{id}` (full replacement), both
//! honouring `If-Match`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use todo_domain::{TaskDraft, TaskPatch, TaskPatchDraft};
use todo_kit::{AppJson, AppPath, AuthUser, RequestContext};

use super::{TaskPath, count_operation, task_response, write_context};
use crate::AppState;
use crate::error::ApiError;
use crate::etag::if_match;

/// Changes the fields present in the body; `null` clears a field.
#[utoipa::path(patch, path = "/api/tasks/{id}", tag = "tasks", request_body = TaskPatchDraft,
    params(("id" = i64, Path, description = "Task id"), ("If-Match" = Option<String>, Header, description = "ETag the change is based on")),
    responses((status = 200, description = "The updated task", body = todo_domain::Task),
        (status = 400, description = "Malformed body", body = todo_kit::Problem),
        (status = 404, description = "No such task for this user", body = todo_kit::Problem),
        (status = 412, description = "The task changed since the given ETag", body = todo_kit::Problem),
        (status = 422, description = "Invalid fields, all listed", body = todo_kit::Problem)))]
pub(crate) async fn tasks_patch(
    State(state): State<AppState>,
    user: AuthUser,
    ctx: RequestContext,
    AppPath(path): AppPath<TaskPath>,
    headers: HeaderMap,
    AppJson(draft): AppJson<TaskPatchDraft>,
) -> Result<Response, ApiError> {
    let patch = draft.validate().map_err(todo_tasks::Error::from);
    apply(state, user, ctx, path, headers, patch).await
}

/// Replaces every editable field; fields left out are cleared (priority back to medium).
#[utoipa::path(put, path = "/api/tasks/{id}", tag = "tasks", request_body = TaskDraft,
    params(("id" = i64, Path, description = "Task id"), ("If-Match" = Option<String>, Header, description = "ETag the change is based on")),
    responses((status = 200, description = "The replaced task", body = todo_domain::Task),
        (status = 404, description = "No such task for this user", body = todo_kit::Problem),
        (status = 412, description = "The task changed since the given ETag", body = todo_kit::Problem),
        (status = 422, description = "Invalid fields, all listed", body = todo_kit::Problem)))]
pub(crate) async fn tasks_replace(
    State(state): State<AppState>,
    user: AuthUser,
    ctx: RequestContext,
    AppPath(path): AppPath<TaskPath>,
    headers: HeaderMap,
    AppJson(draft): AppJson<TaskDraft>,
) -> Result<Response, ApiError> {
    let patch = draft.validate_as_replacement().map_err(todo_tasks::Error::from);
    apply(state, user, ctx, path, headers, patch).await
}

async fn apply(
    state: AppState,
    user: AuthUser,
    ctx: RequestContext,
    path: TaskPath,
    headers: HeaderMap,
    patch: todo_tasks::Result<TaskPatch>,
) -> Result<Response, ApiError> {
    let (id, expected) = (path.id()?, if_match(&headers)?);
    let updated = state
        .store
        .update(&write_context(&user, &ctx), id, expected, patch?)
        .await;
    let task = super::cross_user::checked(&state, &user.user_id, updated).await?;
    count_operation("update");
    Ok(task_response(StatusCode::OK, task))
}
