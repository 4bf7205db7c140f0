//! `POST /api/tasks`: create a task.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use todo_domain::TaskDraft;
use todo_kit::{AppJson, AuthUser, RequestContext};

use super::{count_operation, task_response, write_context};
use crate::AppState;
use crate::error::ApiError;

/// Creates a task; the response carries it with its ETag and Location.
#[utoipa::path(post, path = "/api/tasks", tag = "tasks", request_body = TaskDraft,
    responses((status = 201, description = "Created", body = todo_domain::Task),
        (status = 400, description = "Malformed body", body = todo_kit::Problem),
        (status = 401, description = "No valid token", body = todo_kit::Problem),
        (status = 413, description = "Body over 64 KiB", body = todo_kit::Problem),
        (status = 422, description = "Invalid fields, all listed", body = todo_kit::Problem)))]
pub(crate) async fn tasks_create(
    State(state): State<AppState>,
    user: AuthUser,
    ctx: RequestContext,
    AppJson(draft): AppJson<TaskDraft>,
) -> Result<Response, ApiError> {
    let new = draft.validate()?;
    let task = state.store.create(&write_context(&user, &ctx), new).await?;
    count_operation("create");
    let location = HeaderValue::from_str(&format!("/api/tasks/{}", task.id)).ok();
    let mut response = task_response(StatusCode::CREATED, task);
    if let Some(location) = location {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}
