//! The relay as a unit of work: `POST /work/drain` publishes every pending outbox row and prunes
//! what is past retention, for a relay that runs no loop (scaled to zero between triggers, or
//! scaled from zero by KEDA on the outbox's backlog).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use todo_kit::function::{Work, WorkError, WorkReport, rounds_until_idle};

use crate::{Relay, Step};

/// How long one triggered run keeps publishing; what is left waits for the next trigger.
const DRAIN_BUDGET: Duration = Duration::from_secs(30);

#[async_trait]
impl Work for Relay {
    async fn run_once(&self) -> Result<WorkReport, WorkError> {
        if let Err(error) = self.ensure_topics().await {
            tracing::debug!(%error, "cannot ensure the topics yet");
        }
        let busy = AtomicBool::new(false);
        let published = rounds_until_idle(DRAIN_BUDGET, || async {
            Ok::<_, WorkError>(match self.step().await.map_err(WorkError::from_error)? {
                Step::Published(count) => count,
                Step::Idle => 0,
                // Another relay leads the outbox and drains it.
                Step::Busy => {
                    busy.store(true, Ordering::Relaxed);
                    0
                }
            })
        })
        .await?;
        let busy = busy.load(Ordering::Relaxed);
        self.prune().await;
        if let Err(error) = self.sample_backlog().await {
            tracing::debug!(%error, "cannot sample the outbox backlog");
        }
        Ok(WorkReport::count("published", published).with("busy", busy))
    }
}
