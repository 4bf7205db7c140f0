//! `GET /api/tasks/{id}`: one task.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use todo_kit::{AppPath, AuthUser};

use super::cross_user::checked;
use super::{TaskPath, task_response};
use crate::AppState;
use crate::error::ApiError;

/// One of the caller's tasks, with its ETag.
#[utoipa::path(get, path = "/api/tasks/{id}", tag = "tasks", params(("id" = i64, Path, description = "Task id")),
    responses((status = 200, description = "The task", body = todo_domain::Task),
        (status = 401, description = "No valid token", body = todo_kit::Problem),
        (status = 404, description = "No such task for this user", body = todo_kit::Problem)))]
pub(crate) async fn tasks_show(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<TaskPath>,
) -> Result<Response, ApiError> {
    let id = path.id()?;
    let task = checked(&state, &user.user_id, state.store.get(&user.user_id, id).await).await?;
    Ok(task_response(StatusCode::OK, task))
}
