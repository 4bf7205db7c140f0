//! The query API: `/api/analytics/summary`, `/trends` and `/intents`. Every route needs a bearer
//! token and answers only about the caller; refusals are problem+json naming the parameter.
//! Apart from them, [`rebuild`]: the administrators' route that recomputes the read model.

pub(crate) mod audit;
pub(crate) mod intents;
mod params;
pub(crate) mod rebuild;
pub(crate) mod summary;
pub(crate) mod trends;

use axum::Router;
use axum::routing::get;
use todo_kit::Problem;

use crate::{AppState, Error};

pub(crate) fn router(state: AppState) -> Router {
    // Aggregates over a user's whole history: the costly budget.
    todo_kit::limits::expensive(
        Router::new()
            .route("/api/analytics/summary", get(summary::analytics_summary))
            .route("/api/analytics/trends", get(trends::analytics_trends))
            .route("/api/analytics/intents", get(intents::analytics_intents))
            .with_state(state.clone()),
    )
    // The trail is read a page at a time: the ordinary budget.
    .merge(
        Router::new()
            .route("/api/audit", get(audit::audit_trail))
            .with_state(state),
    )
}

/// A store failure as problem+json: 503 when the database is away, else a generic 500. The
/// details go to the log only.
fn store_problem(error: &Error) -> Problem {
    let chain = todo_kit::error_chain::error_chain(error);
    match error {
        Error::Database(_) => {
            tracing::error!(error.cause_chain = %chain, "read model unavailable");
            Problem::unavailable("The analytics store is unavailable; try again shortly.")
        }
        _ => {
            tracing::error!(error.cause_chain = %chain, "read model query failed");
            Problem::internal()
        }
    }
}
