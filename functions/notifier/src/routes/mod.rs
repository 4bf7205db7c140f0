//! The subscriptions API under `/api/webhooks`. Every route is scoped to the authenticated user:
//! another user's subscription answers 404 like an unknown one, so ids do not leak.

mod create;
mod deliveries;
mod read;
pub(crate) mod validate;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use todo_kit::Problem;
use uuid::Uuid;

pub(crate) use create::__path_webhooks_create;
pub(crate) use deliveries::__path_webhooks_deliveries;
pub(crate) use read::{__path_webhooks_delete, __path_webhooks_index, __path_webhooks_show};

use crate::{AppState, Error};

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/webhooks", get(read::webhooks_index).post(create::webhooks_create))
        .route(
            "/api/webhooks/{id}",
            get(read::webhooks_show).delete(read::webhooks_delete),
        )
        .route("/api/webhooks/{id}/deliveries", get(deliveries::webhooks_deliveries))
        .with_state(state)
}

/// A store error as problem+json; details of our failures stay in the logs.
pub(crate) fn problem(error: Error) -> Problem {
    match error {
        Error::LimitReached { max } => Problem::new(
            StatusCode::CONFLICT,
            "subscription-limit",
            "Too many subscriptions",
            format!("A user can have at most {max} webhook subscriptions; delete one first."),
        ),
        Error::Database(_) | Error::Tasks(_) => {
            tracing::error!(error.cause_chain = ?error, "notifier store unavailable");
            Problem::unavailable("The webhook store is unavailable; try again shortly.")
        }
        Error::Corrupt(_) | Error::Config(_) => {
            tracing::error!(error.cause_chain = ?error, "notifier failure");
            Problem::internal()
        }
    }
}

/// 404 for a subscription the caller does not have.
pub(crate) fn not_found() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "webhook-not-found",
        "Webhook subscription not found",
        "No such webhook subscription for this user.",
    )
}

/// The subscription id of a path: anything that is not a UUID names no subscription (404).
pub(crate) fn subscription_id(raw: &str) -> Result<Uuid, Problem> {
    Uuid::parse_str(raw).map_err(|_| not_found())
}
