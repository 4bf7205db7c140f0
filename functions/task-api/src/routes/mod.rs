//! The task routes, mounted twice: under `/api/tasks` and, for clients written against the
//! hackathon brief, under `/api/{user_id}/tasks`, where `{user_id}` must be the caller.

mod compat;
mod create;
mod cross_user;
mod delete;
mod history;
mod list;
mod read;
mod status;
mod update;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use todo_domain::{Task, WriteContext};
use todo_events::EventMetadata;
use todo_kit::{AppJson, AuthUser, Problem, RequestContext};

use crate::etag::etag;
use crate::{AppState, EVENT_SOURCE};

pub(crate) use create::__path_tasks_create;
pub(crate) use delete::__path_tasks_delete;
pub(crate) use history::__path_tasks_history;
pub(crate) use list::__path_tasks_index;
pub(crate) use read::__path_tasks_show;
pub(crate) use status::{__path_tasks_complete, __path_tasks_reopen};
pub(crate) use update::{__path_tasks_patch, __path_tasks_replace};

/// The routes of one task collection, relative to its mount point.
fn task_routes() -> Router<AppState> {
    Router::new()
        .route("/", get(list::tasks_index).post(create::tasks_create))
        .route(
            "/{id}",
            get(read::tasks_show)
                .patch(update::tasks_patch)
                .put(update::tasks_replace)
                .delete(delete::tasks_delete),
        )
        .route("/{id}/complete", post(status::tasks_complete))
        .route("/{id}/reopen", post(status::tasks_reopen))
        .route("/{id}/history", get(history::tasks_history))
}

pub(crate) fn router(state: AppState) -> Router {
    let compat = task_routes()
        .route("/{id}/complete", axum::routing::patch(status::tasks_toggle))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            compat::require_own_user_path,
        ));
    let router = Router::new()
        .nest("/api/tasks", task_routes())
        .nest("/api/{user_id}/tasks", compat)
        .with_state(state);
    todo_kit::metrics::track_http(crate::SERVICE, router)
}

/// The `{id}` of a task route. Extra path parameters (the compatibility `{user_id}`) are ignored.
#[derive(Debug, Deserialize)]
pub(crate) struct TaskPath {
    id: String,
}

impl TaskPath {
    /// The id; a non-numeric id names no task, so it is a 404 like any unknown id.
    pub(crate) fn id(&self) -> Result<i64, Problem> {
        self.id
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or_else(|| Problem::not_found(format!("Task '{}' does not exist.", self.id)))
    }
}

/// The write context for a request: who, and the ids its events carry.
pub(crate) fn write_context(user: &AuthUser, ctx: &RequestContext) -> WriteContext {
    let metadata = EventMetadata {
        correlation_id: ctx.correlation_id.clone(),
        traceparent: ctx.traceparent.clone(),
        ..EventMetadata::default()
    };
    WriteContext::new(user.user_id.clone(), EVENT_SOURCE, metadata)
}

/// Counts a committed task change in `task_operations_total`.
pub(crate) fn count_operation(operation: &'static str) {
    todo_kit::metrics::metrics()
        .task_operations
        .with_label_values(&[crate::SERVICE, operation])
        .inc();
}

/// A task as the response body, with its version as the ETag.
pub(crate) fn task_response(status: StatusCode, task: Task) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(header::ETAG, etag(task.version));
    (status, headers, AppJson(task)).into_response()
}
