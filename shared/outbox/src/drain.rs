//! The relay as a unit of work: `POST /work/drain` publishes every pending outbox row and prunes
//! what is past retention, for a relay that runs no loop (scaled to zero between triggers, or
//! scaled from zero by KEDA on the outbox's backlog). [`Relay::drain`] is that run, for any
//! source (session-api's `POST /work/sessions` drains its own outbox with it).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use todo_kit::function::{Work, WorkError, WorkReport, rounds_until_idle};

use crate::{Relay, RelayError, Step};

/// How long one triggered run keeps publishing; what is left waits for the next trigger.
const DRAIN_BUDGET: Duration = Duration::from_secs(30);

/// What one drain did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drained {
    /// Events published.
    pub published: usize,
    /// Whether another relay led the outbox (and drains it).
    pub busy: bool,
}

impl Relay {
    /// Creates the topics (a trigger may be the first thing this bus sees), publishes until
    /// nothing waits or `budget` is spent, prunes, and samples the backlog gauges.
    ///
    /// # Errors
    /// When a step fails; what was published stays published.
    pub async fn drain(&self, budget: Duration) -> Result<Drained, RelayError> {
        if let Err(error) = self.ensure_topics().await {
            tracing::debug!(outbox = self.service(), %error, "cannot ensure the topics yet");
        }
        let busy = AtomicBool::new(false);
        let published = rounds_until_idle(budget, || async {
            Ok::<_, RelayError>(match self.step().await? {
                Step::Published(count) => count,
                Step::Idle => 0,
                Step::Busy => {
                    busy.store(true, Ordering::Relaxed);
                    0
                }
            })
        })
        .await?;
        self.prune().await;
        if let Err(error) = self.sample_backlog().await {
            tracing::debug!(outbox = self.service(), %error, "cannot sample the outbox backlog");
        }
        Ok(Drained {
            published,
            busy: busy.load(Ordering::Relaxed),
        })
    }
}

#[async_trait]
impl Work for Relay {
    async fn run_once(&self) -> Result<WorkReport, WorkError> {
        let drained = self.drain(DRAIN_BUDGET).await.map_err(WorkError::from_error)?;
        Ok(WorkReport::count("published", drained.published).with("busy", drained.busy))
    }
}
