//! The API under `/api/aiops`: Alertmanager's webhook, incidents, anomalies, remediation actions
//! and their approval, scaling advice and maintenance windows. Errors are problem+json; every route needs a bearer token (a user's, or
//! the service token for Alertmanager and KEDA: [`auth`]).

mod actions;
mod alerts;
mod anomalies;
pub(crate) mod auth;
mod incidents;
mod maintenance;
mod scaling;

use axum::Router;
use axum::routing::{get, post, put};

pub(crate) use actions::{__path_actions_approve, __path_actions_index, __path_actions_reject, __path_actions_show};
pub(crate) use alerts::__path_alerts_receive;
pub(crate) use anomalies::__path_anomalies_index;
pub(crate) use incidents::{__path_incidents_index, __path_incidents_show};
pub(crate) use maintenance::{__path_maintenance_delete, __path_maintenance_put};
pub(crate) use scaling::__path_scaling_show;

use crate::AppState;

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/aiops/alerts", post(alerts::alerts_receive))
        .route("/api/aiops/incidents", get(incidents::incidents_index))
        .route("/api/aiops/incidents/{id}", get(incidents::incidents_show))
        .route("/api/aiops/anomalies", get(anomalies::anomalies_index))
        .route("/api/aiops/actions", get(actions::actions_index))
        .route("/api/aiops/actions/{id}", get(actions::actions_show))
        .route("/api/aiops/actions/{id}/approve", post(actions::actions_approve))
        .route("/api/aiops/actions/{id}/reject", post(actions::actions_reject))
        .route("/api/aiops/scaling/{function}", get(scaling::scaling_show))
        .route(
            "/api/aiops/maintenance/{component}",
            put(maintenance::maintenance_put).delete(maintenance::maintenance_delete),
        )
        .with_state(state)
}

/// The decoded `name=value` pairs of a query string.
pub(crate) fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}
