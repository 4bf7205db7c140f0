//! The OpenAPI 3.1 document of the subscriptions API, generated from the handlers' annotations
//! and served at `/api/openapi.json`.

use axum::Router;
use todo_kit::openapi::BearerAuth;
use utoipa::OpenApi;

use crate::routes;

/// The notifier's OpenAPI document.
#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "Evolution of Todo: notifier", description = "Webhook subscriptions: the platform POSTs matching events to your endpoint as structured CloudEvents, signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256 of \"{id}.{timestamp}.{body}\">). Failed deliveries are retried with exponential backoff for 24 hours; an endpoint answering 410 Gone disables its subscription. Every route needs a bearer token; errors are RFC 9457 problem+json."),
    paths(routes::webhooks_create, routes::webhooks_index, routes::webhooks_show, routes::webhooks_delete, routes::webhooks_deliveries),
    components(schemas(todo_kit::problem::InvalidParam)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags((name = "webhooks", description = "A user's webhook subscriptions and their delivery logs"))
)]
pub struct ApiDoc;

pub(crate) fn router() -> Router {
    todo_kit::openapi::router(ApiDoc::openapi())
}
