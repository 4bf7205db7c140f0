//! `GET /api/tasks`: filter, search, sort and page through the caller's tasks.

use axum::extract::{RawQuery, State};
use chrono::Utc;
use todo_kit::{AppJson, AuthUser};
use todo_tasks::query::{ListQuery, Page};

use crate::AppState;
use crate::error::ApiError;

/// One page of the caller's tasks.
#[utoipa::path(get, path = "/api/tasks", tag = "tasks",
    params(
        ("q" = Option<String>, Query, description = "Words to find in title and description (each as a prefix, all must match)"),
        ("status" = Option<String>, Query, description = "pending, completed or all"),
        ("priority" = Option<Vec<String>>, Query, description = "Any of these priorities (repeatable or comma-separated)"),
        ("tag" = Option<Vec<String>>, Query, description = "All of these tags (repeatable)"),
        ("due_before" = Option<String>, Query, description = "Due strictly before (RFC 3339)"),
        ("due_after" = Option<String>, Query, description = "Due at or after (RFC 3339)"),
        ("overdue" = Option<bool>, Query, description = "Only pending tasks past their due time"),
        ("sort" = Option<String>, Query, description = "due_at, priority, created_at, updated_at or title; '-' prefix for descending"),
        ("limit" = Option<u32>, Query, description = "1 to 200, default 50"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page")),
    responses((status = 200, description = "A page", body = Page),
        (status = 400, description = "Invalid cursor", body = todo_kit::Problem),
        (status = 401, description = "No valid token", body = todo_kit::Problem),
        (status = 422, description = "Invalid parameters, all listed", body = todo_kit::Problem)))]
pub(crate) async fn tasks_index(
    State(state): State<AppState>,
    user: AuthUser,
    RawQuery(raw): RawQuery,
) -> Result<AppJson<Page>, ApiError> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .collect();
    let query = ListQuery::from_pairs(&pairs, Utc::now())?;
    Ok(AppJson(state.store.list(&user.user_id, &query).await?))
}
