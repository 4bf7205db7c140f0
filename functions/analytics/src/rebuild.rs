//! Recomputing the read model from the event history: after a bug fix in the model, a new
//! metric, or a lost database.
//!
//! The topics are read from the beginning by a fresh consumer group (`analytics-rebuild-<uuid>`).
//! Once the first record arrived (none at all: the model is left alone), the model and the
//! consumer's idempotency keys are emptied in one transaction, and every event goes through the
//! same idempotent handler as live traffic. The live consumer may keep
//! running: an event both of them see is applied by whichever claims its key first, and the
//! other finds it a duplicate, so nothing counts twice. The replay ends once no event arrived
//! for `idle`. Only what the topics still retain can be replayed (7 days of tasks, 3 of chat).

use std::time::{Duration, Instant};

use todo_kit::bus::{Delivery, EventBus};
use todo_kit::handler::{EventHandler, HandlerError, Outcome, validate};

use crate::Result;
use crate::model::ReadModel;

/// How long to wait for the first record (a Kafka consumer group's join) before concluding that
/// there is no history, and leaving the model alone.
const FIRST_RECORD_WAIT: Duration = Duration::from_secs(20);

/// Attempts per event when the database fails, before it is counted as failed.
const ATTEMPTS: u32 = 5;

/// What a rebuild did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RebuildReport {
    /// Records read from the topics.
    pub events: u64,
    /// Events whose effect was applied.
    pub applied: u64,
    /// Events the live consumer had applied already (after the reset).
    pub duplicates: u64,
    /// Events that move no number (no user, or a type the model ignores).
    pub skipped: u64,
    /// Unreadable or invalid records, and events the database kept refusing.
    pub failed: u64,
    /// How long it took, the final idle wait included.
    pub elapsed: Duration,
}

impl RebuildReport {
    /// The report as `POST /api/admin/analytics/rebuild` answers it and `todo analytics rebuild`
    /// prints it (`elapsed` as `elapsed_ms`).
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "events": self.events,
            "applied": self.applied,
            "duplicates": self.duplicates,
            "skipped": self.skipped,
            "failed": self.failed,
            "elapsed_ms": u64::try_from(self.elapsed.as_millis()).unwrap_or(u64::MAX),
        })
    }
}

/// Empties the read model and replays `topics` into it until they stay quiet for `idle`;
/// `progress` hears the number of records read after each one.
///
/// # Errors
/// When the bus cannot be subscribed to or read, or the model cannot be emptied. The model may
/// then be partly rebuilt: run it again.
#[tracing::instrument(name = "analytics.rebuild", skip(bus, model, progress))]
pub async fn rebuild(
    bus: &dyn EventBus,
    model: &dyn ReadModel,
    topics: &[String],
    idle: Duration,
    mut progress: impl FnMut(u64),
) -> Result<RebuildReport> {
    let started = Instant::now();
    let group = format!("analytics-rebuild-{}", uuid::Uuid::new_v4());
    // Read the first record before emptying anything: a bus that cannot serve the history (or a
    // history that is gone) must not cost us the model. Joining a Kafka group takes seconds, so
    // the first record gets a longer wait than the gaps between records.
    let mut member = bus.subscribe(&group, topics).await?;
    let mut report = RebuildReport::default();
    let Ok(first) = tokio::time::timeout(idle.max(FIRST_RECORD_WAIT), member.next()).await else {
        tracing::warn!("no event history to rebuild from; the read model is left as it was");
        report.elapsed = started.elapsed();
        return Ok(report);
    };
    model.reset().await?;
    let handler = model.handler();
    let mut next = Some(first);
    while let Some(delivery) = next.take() {
        let delivery = delivery?;
        report.events += 1;
        match replay(handler.as_ref(), &delivery).await {
            Ok(Outcome::Done) => report.applied += 1,
            Ok(Outcome::Duplicate) => report.duplicates += 1,
            Ok(Outcome::Skipped) => report.skipped += 1,
            Err(error) => {
                tracing::warn!(topic = %delivery.topic, offset = delivery.offset, %error, "event not replayed");
                report.failed += 1;
            }
        }
        member.commit(&delivery).await?;
        progress(report.events);
        next = tokio::time::timeout(idle, member.next()).await.ok();
    }
    report.elapsed = started.elapsed();
    tracing::info!(?report, "read model rebuilt");
    Ok(report)
}

/// Handles one record, retrying while the database fails.
async fn replay(handler: &dyn EventHandler, delivery: &Delivery) -> Result<Outcome, HandlerError> {
    let event = delivery
        .event
        .as_ref()
        .map_err(|reason| HandlerError::Poison(format!("unreadable record: {reason}")))?;
    let event = validate(event)?;
    let mut backoff = Duration::from_millis(100);
    let mut attempt = 1;
    loop {
        match handler.handle(&event).await {
            Err(HandlerError::Retryable(reason)) if attempt < ATTEMPTS => {
                tracing::debug!(%reason, attempt, "replay failed; retrying");
                tokio::time::sleep(backoff).await;
                backoff *= 2;
                attempt += 1;
            }
            result => return result,
        }
    }
}
