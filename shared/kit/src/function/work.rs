//! Periodic work as units a trigger can drive. A function scaled to zero runs no loop, so each
//! piece of periodic work (expiring sessions, retrying webhooks, announcing due dates, draining the
//! outbox) is a [`Work`] that one `POST /work/{name}` runs to the end: in the cluster a Knative
//! PingSource (or a CronJob) posts a CloudEvent there; in `todo serve` and long-running
//! deployments [`run_loop`] calls the same unit on a timer.
//!
//! The route answers 200 with the run's report, or 503 problem+json when a dependency failed, so
//! the trigger's delivery retries it. The request body (the PingSource's CloudEvent) is not read:
//! the work looks at the clock and the stores itself.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::Serialize;

use crate::problem::Problem;

/// What one run did: counts by name (`{"expired": 3}`), for the trigger's log and the tests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WorkReport(pub serde_json::Map<String, serde_json::Value>);

impl WorkReport {
    /// A report of one count.
    #[must_use]
    pub fn count(name: &str, count: impl Into<serde_json::Value>) -> Self {
        Self::default().with(name, count)
    }

    /// This report and one more count.
    #[must_use]
    pub fn with(mut self, name: &str, count: impl Into<serde_json::Value>) -> Self {
        self.0.insert(name.to_owned(), count.into());
        self
    }
}

/// Why a run could not finish; what it did so far stays done, the rest waits for the next run.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct WorkError(pub String);

impl WorkError {
    /// Wraps any error, keeping its chain in the message.
    pub fn from_error(error: impl std::fmt::Display) -> Self {
        Self(format!("{error:#}"))
    }
}

/// One unit of periodic work.
#[async_trait]
pub trait Work: Send + Sync {
    /// Does what is due now, to the end, and says what it did.
    async fn run_once(&self) -> Result<WorkReport, WorkError>;
}

/// `POST /work/{name}` for each named unit; an unknown name is 404.
pub fn work_router(units: Vec<(&'static str, Arc<dyn Work>)>) -> Router {
    let units: Arc<HashMap<&'static str, Arc<dyn Work>>> = Arc::new(units.into_iter().collect());
    Router::new().route("/work/{name}", post(run)).with_state(units)
}

async fn run(State(units): State<Arc<HashMap<&'static str, Arc<dyn Work>>>>, Path(name): Path<String>) -> Response {
    let Some(unit) = units.get(name.as_str()) else {
        let mut known: Vec<&str> = units.keys().copied().collect();
        known.sort_unstable();
        return Problem::not_found(format!(
            "No periodic work called '{name}' here; known: {}",
            known.join(", ")
        ))
        .into_response();
    };
    match unit.run_once().await {
        Ok(report) => {
            tracing::info!(work = %name, report = %serde_json::Value::Object(report.0.clone()), "periodic work done");
            Json(report).into_response()
        }
        Err(error) => {
            tracing::error!(work = %name, %error, "periodic work failed");
            Problem::unavailable(format!("'{name}' could not finish: {error}; the trigger retries")).into_response()
        }
    }
}

/// Runs `round` again and again until one does nothing (answers 0) or `budget` has passed, and
/// adds up what they did: how a triggered unit of work drains a backlog without running forever
/// (what is left waits for the next trigger).
///
/// # Errors
/// The first round's error; what earlier rounds did stays done.
pub async fn rounds_until_idle<F, Fut, E>(budget: Duration, mut round: F) -> Result<usize, E>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<usize, E>>,
{
    let until = tokio::time::Instant::now() + budget;
    let mut total = 0;
    loop {
        let done = round().await?;
        total += done;
        if done == 0 || tokio::time::Instant::now() >= until {
            return Ok(total);
        }
    }
}

/// Runs `unit` every `every` until `shutdown` resolves (the loop of `todo serve` and of
/// long-running deployments); a failed run is logged and the next one tries again.
pub async fn run_loop(
    name: &'static str,
    unit: Arc<dyn Work>,
    every: Duration,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        if let Err(error) = unit.run_once().await {
            tracing::warn!(work = name, %error, "periodic work failed; trying again");
        }
        tokio::select! {
            () = &mut shutdown => return,
            () = tokio::time::sleep(every) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::body::Body;
    use http::{Request, StatusCode};
    use tower::ServiceExt;

    use super::*;

    struct Counter(AtomicUsize, bool);

    #[async_trait]
    impl Work for Counter {
        async fn run_once(&self) -> Result<WorkReport, WorkError> {
            let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
            if self.1 {
                return Err(WorkError("the database is down".into()));
            }
            Ok(WorkReport::count("runs", n))
        }
    }

    async fn post(router: Router, path: &str) -> (StatusCode, serde_json::Value) {
        let response = router
            .oneshot(Request::post(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let body = http_body_util::BodyExt::collect(response.into_body())
            .await
            .unwrap()
            .to_bytes();
        (status, serde_json::from_slice(&body).unwrap())
    }

    #[tokio::test]
    async fn a_post_runs_the_named_unit_and_answers_its_report() {
        let ok: Arc<dyn Work> = Arc::new(Counter(AtomicUsize::new(0), false));
        let router = work_router(vec![("count", ok)]);
        let (status, body) = post(router.clone(), "/work/count").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, serde_json::json!({"runs": 1}));
        let (status, body) = post(router, "/work/other").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body["detail"].as_str().unwrap().contains("known: count"), "{body}");
    }

    #[tokio::test]
    async fn rounds_stop_at_the_first_idle_one_and_add_up() {
        let mut left = vec![0, 2, 3];
        let total: Result<usize, ()> = rounds_until_idle(Duration::from_secs(5), || {
            std::future::ready(Ok(left.pop().unwrap_or(9)))
        })
        .await;
        assert_eq!(total, Ok(5));
    }

    #[tokio::test]
    async fn a_failed_run_is_a_503_so_the_trigger_retries() {
        let failing: Arc<dyn Work> = Arc::new(Counter(AtomicUsize::new(0), true));
        let (status, body) = post(work_router(vec![("fail", failing)]), "/work/fail").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(
            body["detail"].as_str().unwrap().contains("the database is down"),
            "{body}"
        );
    }
}
