//! The OpenAPI 3.1 document, generated from the handlers' annotations and served at
//! `/api/openapi.json`, so the document cannot drift from the code.

use axum::Router;
use todo_kit::openapi::BearerAuth;
use utoipa::OpenApi;

use crate::routes;

/// The session-api's OpenAPI document.
#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "Evolution of Todo: session-api", description = "Chat sessions (30-minute sliding TTL) and their conversation history (the newest 200 messages). Every route needs a bearer token; errors are RFC 9457 problem+json."),
    paths(routes::create, routes::show, routes::close, routes::append, routes::messages),
    components(schemas(todo_kit::problem::InvalidParam)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags((name = "sessions", description = "A user's chat sessions"))
)]
pub struct ApiDoc;

pub(crate) fn router() -> Router {
    todo_kit::openapi::router(ApiDoc::openapi())
}
