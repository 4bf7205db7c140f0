//! The OpenAPI 3.1 document, generated from the handlers' annotations and served at
//! `/api/openapi.json`, so the document cannot drift from the code.

use axum::Router;
use todo_kit::openapi::BearerAuth;
use utoipa::OpenApi;

use crate::routes;

/// The chat-api's OpenAPI document.
#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "Evolution of Todo: chat-api", description = "Manage tasks in plain English. Every route needs a bearer token; errors are RFC 9457 problem+json."),
    paths(routes::chat),
    components(schemas(todo_kit::problem::InvalidParam)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags((name = "chat", description = "Chat with your to-do list"))
)]
pub struct ApiDoc;

pub(crate) fn router() -> Router {
    todo_kit::openapi::router(ApiDoc::openapi())
}
