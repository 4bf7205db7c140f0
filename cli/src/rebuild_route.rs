//! `POST /api/admin/analytics/rebuild` of `todo serve`: recomputes the analytics read model from
//! the events the embedded bus holds (everything since the server started, up to 10,000 per
//! partition), answering progress as JSON lines (`{"progress": n}` ... then `{"report": {...}}` or
//! `{"error": "..."}`). Only users named in `TODO_ADMIN_USERS` (default `local`, the development
//! user) may run it, one rebuild at a time. In the cluster, `todo analytics rebuild --bus kafka://...`
//! replays Kafka directly instead.

use std::sync::Arc;
use std::time::Duration;

use analytics::{ReadModel, RebuildReport};
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

/// How long the replay waits for another event before it considers the history read.
const IDLE: Duration = Duration::from_secs(1);

/// What the route needs.
#[derive(Clone)]
pub(crate) struct Rebuild {
    pub(crate) bus: Arc<dyn EventBus>,
    pub(crate) model: Arc<dyn ReadModel>,
    pub(crate) topics: Arc<Vec<String>>,
    pub(crate) auth: Arc<Authenticator>,
    pub(crate) admins: Arc<Vec<String>>,
    pub(crate) running: Arc<tokio::sync::Mutex<()>>,
}

impl FromRef<Rebuild> for Arc<Authenticator> {
    fn from_ref(state: &Rebuild) -> Self {
        state.auth.clone()
    }
}

pub(crate) fn router(state: Rebuild) -> Router {
    // Replays every topic: the costly budget.
    todo_kit::limits::expensive(
        Router::new()
            .route("/api/admin/analytics/rebuild", post(rebuild))
            .with_state(state),
    )
}

/// The report as the CLI prints it.
pub(crate) fn report_json(report: &RebuildReport) -> Value {
    json!({
        "events": report.events,
        "applied": report.applied,
        "duplicates": report.duplicates,
        "skipped": report.skipped,
        "failed": report.failed,
        "elapsed_ms": u64::try_from(report.elapsed.as_millis()).unwrap_or(u64::MAX),
    })
}

async fn rebuild(State(state): State<Rebuild>, user: AuthUser) -> Response {
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
        let result = analytics::rebuild(state.bus.as_ref(), state.model.as_ref(), &state.topics, IDLE, |n| {
            if n % 100 == 0 {
                let _ = progress.try_send(json!({ "progress": n }));
            }
        })
        .await;
        let last = match result {
            Ok(report) => json!({ "report": report_json(&report) }),
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
