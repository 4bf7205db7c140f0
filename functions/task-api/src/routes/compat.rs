//! The hackathon brief's `/api/{user_id}/tasks` routes: the same handlers, but `{user_id}` must
//! be the authenticated user. Any other user id is a 404, so ids of other users do not leak.

use std::collections::HashMap;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use todo_kit::{AppPath, AuthUser, Problem};

/// Lets the request through only when the path's `{user_id}` is the caller.
pub(crate) async fn require_own_user_path(
    user: AuthUser,
    AppPath(params): AppPath<HashMap<String, String>>,
    request: Request,
    next: Next,
) -> Response {
    match params.get("user_id") {
        Some(user_id) if *user_id == user.user_id => next.run(request).await,
        _ => Problem::not_found("No such task list.").into_response(),
    }
}
