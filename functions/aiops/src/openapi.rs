//! The OpenAPI 3.1 document of the aiops API, generated from the handlers' annotations and served
//! at `/api/openapi.json`.

use axum::Router;
use todo_kit::openapi::BearerAuth;
use utoipa::OpenApi;

use crate::routes;

/// aiops' OpenAPI document.
#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "Evolution of Todo: aiops", description = "Anomalies found in the platform's metrics, incidents correlated from them and from Alertmanager's alerts (with the probable root cause), remediation actions proposed by playbooks within guardrails (dry run by default; destructive ones wait for a person's approval), predictive scaling advice for KEDA's metrics-api scaler, and maintenance windows that silence a component. Every route needs a bearer token: a user's, or the service token AIOPS_WEBHOOK_TOKEN that Alertmanager and KEDA are given. Errors are RFC 9457 problem+json."),
    paths(routes::alerts_receive, routes::incidents_index, routes::incidents_show, routes::anomalies_index,
        routes::actions_index, routes::actions_show, routes::actions_approve, routes::actions_reject,
        routes::scaling_show, routes::maintenance_put, routes::maintenance_delete),
    components(schemas(todo_kit::problem::InvalidParam)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags((name = "aiops", description = "Anomalies, incidents, remediation actions, scaling advice and maintenance windows"))
)]
pub struct ApiDoc;

pub(crate) fn router() -> Router {
    todo_kit::openapi::router(ApiDoc::openapi())
}
