//! `GET /api/tasks/{id}/history`: every change of a task, oldest first.

use axum::extract::State;
use serde::Serialize;
use todo_domain::HistoryEntry;
use todo_kit::{AppJson, AppPath, AuthUser};

use super::TaskPath;
use super::cross_user::checked;
use crate::AppState;
use crate::error::ApiError;

/// The history of one task.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct History {
    task_id: i64,
    items: Vec<HistoryEntry>,
}

/// Who changed what and when, with old and new values.
#[utoipa::path(get, path = "/api/tasks/{id}/history", tag = "tasks", params(("id" = i64, Path, description = "Task id")),
    responses((status = 200, description = "The history", body = History),
        (status = 404, description = "No such task for this user", body = todo_kit::Problem)))]
pub(crate) async fn tasks_history(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<TaskPath>,
) -> Result<AppJson<History>, ApiError> {
    let id = path.id()?;
    let items = checked(&state, &user.user_id, state.store.history(&user.user_id, id).await).await?;
    Ok(AppJson(History { task_id: id, items }))
}
