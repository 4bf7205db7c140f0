//! The OpenAPI 3.1 document, generated from the handlers' annotations and served at
//! `/api/openapi.json`, so the document cannot drift from the code.

use axum::Router;
use todo_kit::openapi::BearerAuth;
use utoipa::OpenApi;

use crate::routes;

/// The task-api's OpenAPI document.
#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "Evolution of Todo: task-api", description = "Tasks with priorities, tags, due dates, reminders and recurrence. Every route needs a bearer token; errors are RFC 9457 problem+json."),
    paths(routes::tasks_create, routes::tasks_index, routes::tasks_show, routes::tasks_patch, routes::tasks_replace,
        routes::tasks_delete, routes::tasks_complete, routes::tasks_reopen, routes::tasks_history),
    components(schemas(todo_kit::problem::InvalidParam)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags((name = "tasks", description = "A user's tasks"))
)]
pub struct ApiDoc;

pub(crate) fn router() -> Router {
    todo_kit::openapi::router(ApiDoc::openapi())
}
