//! The scheduler's HTTP side: `POST /ping` runs a tick. In the cluster a Knative PingSource posts
//! a CloudEvent there every minute (the body is ignored: the tick reads the clock itself). The
//! route is for the cluster's eventing only; the Knative service is cluster-local, not exposed.

use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use todo_kit::Problem;

use crate::{Announcer, Clock};

#[derive(Clone)]
struct Ping {
    announcer: Arc<Announcer>,
    clock: Arc<dyn Clock>,
}

/// `POST /ping`: one tick now; answers what it announced.
pub fn routes(announcer: Arc<Announcer>, clock: Arc<dyn Clock>) -> Router {
    Router::new()
        .route("/ping", post(ping))
        .with_state(Ping { announcer, clock })
}

async fn ping(State(ping): State<Ping>) -> Response {
    match ping.announcer.tick(ping.clock.now()).await {
        Ok(report) => Json(report).into_response(),
        Err(error) => {
            tracing::error!(%error, "scheduler tick failed");
            Problem::unavailable("The task database is unavailable; the next tick retries.").into_response()
        }
    }
}

/// The complete function: `/ping`, the push routes for `task.completed`, probes, metrics and
/// the standard middleware.
pub fn app(
    store: Arc<dyn todo_tasks::store::TaskStore>,
    announcer: Arc<Announcer>,
    clock: Arc<dyn Clock>,
    handler: Arc<dyn todo_kit::handler::EventHandler>,
    topics: Vec<String>,
) -> Router {
    let push = todo_kit::metrics::track_http(
        crate::CONSUMER,
        todo_kit::handler::push::router(handler, topics, "pubsub"),
    );
    todo_kit::layers::standard(unlayered(store, announcer, clock).merge(push))
}

/// `/ping`, probes and metrics without the standard middleware, for the kit's runtime to add
/// the push and work routes to.
pub fn unlayered(
    store: Arc<dyn todo_tasks::store::TaskStore>,
    announcer: Arc<Announcer>,
    clock: Arc<dyn Clock>,
) -> Router {
    todo_kit::metrics::track_http(crate::CONSUMER, routes(announcer, clock))
        .merge(todo_kit::health::router(todo_kit::health::ready_when(move || {
            let store = store.clone();
            async move { store.ping().await.map_err(|e| e.to_string()) }
        })))
        .merge(todo_kit::metrics::router())
}
