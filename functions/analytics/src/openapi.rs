//! The OpenAPI 3.1 document, generated from the handlers' annotations and served at
//! `/api/openapi.json`, so the document cannot drift from the code.

use axum::Router;
use todo_kit::openapi::BearerAuth;
use utoipa::OpenApi;

use crate::routes::{audit, intents, summary, trends};

/// The analytics function's OpenAPI document.
#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "Evolution of Todo: analytics", description = "The caller's numbers, from the analytics read model that task, session, intent and notification events keep (CQRS query side), and the caller's audit trail. Days are UTC days. Every route needs a bearer token; errors are RFC 9457 problem+json."),
    paths(summary::analytics_summary, trends::analytics_trends, intents::analytics_intents, audit::audit_trail),
    components(schemas(todo_kit::problem::InvalidParam)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags((name = "analytics", description = "A user's activity: tasks, chat, notifications"),
        (name = "audit", description = "Who read or changed what, and every refused attempt (audit.recorded events)"))
)]
pub struct ApiDoc;

pub(crate) fn router() -> Router {
    todo_kit::openapi::router(ApiDoc::openapi())
}
