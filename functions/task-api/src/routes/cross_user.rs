//! Telling the audit trail that a 404 was an attempt at another user's task: the caller gets the
//! same 404 as for a task that does not exist (nothing tells them it exists), and the request's
//! audit record says `cross_user_access`. One indexed lookup, on 404s of task routes only.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use todo_kit::audit::{AuditEvent, Caller};

use crate::AppState;

/// The middleware of the task routes.
pub(crate) async fn flag_cross_user_access(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let caller = request.extensions().get::<Caller>().cloned();
    let id = task_id_of(request.uri().path());
    let mut response = next.run(request).await;
    if response.status() != StatusCode::NOT_FOUND {
        return response;
    }
    if let (Some(caller), Some(id)) = (caller, id)
        && let Some(user) = caller.get()
    {
        match state.store.owned_by_another(user, id).await {
            Ok(true) => {
                tracing::warn!(user_id = user, task_id = id, "a request for another user's task");
                response.extensions_mut().insert(AuditEvent::CROSS_USER_ACCESS);
            }
            Ok(false) => {}
            Err(error) => tracing::debug!(%error, "cannot tell whose task it is"),
        }
    }
    response
}

/// The task id of `/api/tasks/{id}...` or `/api/{user_id}/tasks/{id}...`.
fn task_id_of(path: &str) -> Option<i64> {
    let mut segments = path.split('/').skip_while(|s| *s != "tasks");
    segments.next()?;
    segments.next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_task_id_is_the_segment_after_tasks() {
        assert_eq!(task_id_of("/api/tasks/42"), Some(42));
        assert_eq!(task_id_of("/api/tasks/42/history"), Some(42));
        assert_eq!(task_id_of("/api/alice/tasks/7/complete"), Some(7));
        assert_eq!(task_id_of("/api/tasks"), None);
        assert_eq!(task_id_of("/api/tasks/x"), None);
    }
}
