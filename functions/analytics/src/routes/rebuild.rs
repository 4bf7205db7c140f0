//! `POST /api/admin/analytics/rebuild`: recomputes the read model ([`crate::rebuild()`]) from the
//! history a bus still holds, answering progress as JSON lines (`{"progress": n}` ... then
//! `{"report": {...}}` or `{"error": "..."}`). Only the users the state names (`todo serve`:
//! `TODO_ADMIN_USERS`, default `local`, the development user) may run it, one rebuild at a time.
//!
//! Only `todo serve` mounts it ([`crate::rebuild_routes`]), on its in-process bus: that bus holds
//! the history (everything since the server started, up to 10,000 events per partition) and no
//! other process can read it. The cluster's analytics does not serve it (nor does its route table
//! send `/api/admin` to it): there the history is in Kafka, which `todo analytics rebuild
//! --bus kafka://...` replays directly, instead of a request that would have to outlive the
//! service's 60 s timeout (`knative/base/analytics/service.yaml`) and a lock held per replica.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRef, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use futures_util::stream;
use serde_json::{Value, json};
use todo_kit::bus::EventBus;
use todo_kit::{AuthUser, Authenticator, Problem};

use crate::ReadModel;

/// How long the replay waits for another event before it considers the history read.
const IDLE: Duration = Duration::from_secs(1);

/// What the route needs: the bus to replay, the model to rebuild, and who may ask.
#[derive(Debug, Clone)]
pub struct RebuildState {
    bus: Arc<dyn EventBus>,
    model: Arc<dyn ReadModel>,
    topics: Arc<Vec<String>>,
    auth: Arc<Authenticator>,
    admins: Arc<Vec<String>>,
    /// Held while a rebuild runs: a second request is refused rather than queued.
    running: Arc<tokio::sync::Mutex<()>>,
}

impl RebuildState {
    /// Replays `topics` of `bus` into `model` for the users named in `admins`, verifying their
    /// tokens with `auth`.
    pub fn new(
        bus: Arc<dyn EventBus>,
        model: Arc<dyn ReadModel>,
        topics: Vec<String>,
        auth: Arc<Authenticator>,
        admins: Vec<String>,
    ) -> Self {
        Self {
            bus,
            model,
            topics: Arc::new(topics),
            auth,
            admins: Arc::new(admins),
            running: Arc::default(),
        }
    }
}

impl FromRef<RebuildState> for Arc<Authenticator> {
    fn from_ref(state: &RebuildState) -> Self {
        state.auth.clone()
    }
}

pub(crate) fn router(state: RebuildState) -> Router {
    // Replays every topic: the costly budget.
    todo_kit::limits::expensive(
        Router::new()
            .route("/api/admin/analytics/rebuild", post(analytics_rebuild))
            .with_state(state),
    )
}

async fn analytics_rebuild(State(state): State<RebuildState>, user: AuthUser) -> Response {
    if !state.admins.contains(&user.user_id) {
        return Problem::new(
            StatusCode::FORBIDDEN,
            "not-an-admin",
            "Not allowed",
            "Rebuilding the read model is for the users named in TODO_ADMIN_USERS.",
        )
        .into_response();
    }
    let Ok(turn) = state.running.clone().try_lock_owned() else {
        return Problem::new(
            StatusCode::CONFLICT,
            "rebuild-running",
            "A rebuild is running",
            "Another rebuild of the read model is running; wait for it to finish.",
        )
        .into_response();
    };
    let (lines, received) = tokio::sync::mpsc::channel::<Value>(256);
    tokio::spawn(async move {
        let _turn = turn;
        let progress = lines.clone();
        let result = crate::rebuild(state.bus.as_ref(), state.model.as_ref(), &state.topics, IDLE, |n| {
            if n % 100 == 0 {
                let _ = progress.try_send(json!({ "progress": n }));
            }
        })
        .await;
        let last = match result {
            Ok(report) => json!({ "report": report.to_json() }),
            Err(error) => json!({ "error": error.to_string() }),
        };
        let _ = lines.send(last).await;
    });
    let body = stream::unfold(received, |mut received| async move {
        let line = received.recv().await?;
        Some((Ok::<_, std::convert::Infallible>(format!("{line}\n")), received))
    });
    (
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        axum::Extension(todo_kit::audit::AuditEvent::ADMIN_ACTION),
        Body::from_stream(body),
    )
        .into_response()
}
