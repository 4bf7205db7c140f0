//! Due-date announcements: each tick asks the store which pending tasks are owed a `due_soon`,
//! `overdue` or `reminder` announcement and makes each one with its event, in one transaction.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;
use todo_events::{DomainEvent, EventMetadata, EventPayload, TaskDueSoon, TaskOverdue, TaskReminder};
use todo_tasks::store::{DueKind, DueTask, TaskStore};

use crate::SOURCE;

/// Tasks handled per query; a tick keeps querying until a batch comes back short.
const BATCH: i64 = 200;
/// Most batches per kind in one tick, so one tick ends even if the database keeps filling up.
const MAX_BATCHES: usize = 50;

/// What one tick announced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TickReport {
    /// `task.due_soon` events enqueued.
    pub due_soon: u64,
    /// `task.overdue` events enqueued.
    pub overdue: u64,
    /// `task.reminder` events enqueued.
    pub reminders: u64,
}

impl TickReport {
    fn count(&mut self, kind: DueKind) {
        match kind {
            DueKind::DueSoon => self.due_soon += 1,
            DueKind::Overdue => self.overdue += 1,
            DueKind::Reminder => self.reminders += 1,
        }
    }
}

/// Makes the due-date announcements of the task database.
#[derive(Debug, Clone)]
pub struct Announcer {
    store: Arc<dyn TaskStore>,
}

impl Announcer {
    /// An announcer over the task database.
    pub fn new(store: Arc<dyn TaskStore>) -> Self {
        Self { store }
    }

    /// Makes every announcement owed at `now`.
    ///
    /// # Errors
    /// When the database fails; announcements made before the failure stay made.
    pub async fn tick(&self, now: DateTime<Utc>) -> todo_tasks::Result<TickReport> {
        let mut report = TickReport::default();
        for kind in DueKind::ALL {
            for _ in 0..MAX_BATCHES {
                let owed = self.store.due_tasks(kind, now, BATCH).await?;
                for task in &owed {
                    let event = announcement(kind, task, now);
                    if self.store.mark_due(kind, task, now, &[event]).await? {
                        report.count(kind);
                    }
                }
                if owed.len() < usize::try_from(BATCH).unwrap_or(usize::MAX) {
                    break;
                }
            }
        }
        if report != TickReport::default() {
            tracing::info!(
                due_soon = report.due_soon,
                overdue = report.overdue,
                reminders = report.reminders,
                "due dates announced"
            );
        }
        Ok(report)
    }

    /// Ticks every `every` until `shutdown` resolves, reading the time from `clock`. A failing
    /// tick is logged and the next one tries again.
    pub async fn run(
        &self,
        clock: Arc<dyn crate::Clock>,
        every: std::time::Duration,
        shutdown: impl Future<Output = ()>,
    ) {
        tokio::pin!(shutdown);
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = &mut shutdown => return,
                _ = ticks.tick() => {
                    if let Err(error) = self.tick(clock.now()).await {
                        tracing::warn!(%error, "scheduler tick failed; trying again at the next one");
                    }
                }
            }
        }
    }
}

/// The event announcing `kind` for `task` at `now`.
fn announcement(kind: DueKind, task: &DueTask, now: DateTime<Utc>) -> DomainEvent {
    let payload: EventPayload = match kind {
        DueKind::DueSoon => TaskDueSoon {
            task_id: task.task_id,
            due_at: task.due_at,
            hours_remaining: hours_until(task.due_at, now),
        }
        .into(),
        DueKind::Overdue => TaskOverdue {
            task_id: task.task_id,
            due_at: task.due_at,
            days_overdue: (now - task.due_at).num_days().max(0),
        }
        .into(),
        DueKind::Reminder => TaskReminder {
            task_id: task.task_id,
            title: task.title.clone(),
            due_at: task.due_at,
            remind_before_minutes: task.remind_before_minutes.unwrap_or(0),
        }
        .into(),
    };
    let metadata = EventMetadata {
        user_id: Some(task.owner_id.clone()),
        ..EventMetadata::default()
    };
    DomainEvent::new(SOURCE, now, metadata, payload)
}

/// Hours from `now` to `due`, to the hundredth, never negative.
#[allow(clippy::cast_precision_loss)] // seconds within a day's window are far below 2^52
fn hours_until(due: DateTime<Utc>, now: DateTime<Utc>) -> f64 {
    let seconds = (due - now).num_seconds().max(0) as f64;
    (seconds / 36.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;

    #[test]
    fn hours_remaining_is_rounded_to_the_hundredth_and_never_negative() {
        let now = Utc::now();
        assert!((hours_until(now + TimeDelta::minutes(30), now) - 0.5).abs() < f64::EPSILON);
        assert!((hours_until(now + TimeDelta::seconds(3601), now) - 1.0).abs() < f64::EPSILON);
        assert!(hours_until(now - TimeDelta::hours(1), now).abs() < f64::EPSILON);
    }
}

/// The announcer with its clock, as the unit of work `POST /work/announce` runs.
#[derive(Clone)]
#[allow(missing_debug_implementations)] // the clock is a trait object without Debug
pub struct AnnounceWork {
    /// Makes the announcements.
    pub announcer: Arc<Announcer>,
    /// Says what time it is.
    pub clock: Arc<dyn crate::Clock>,
}

#[async_trait::async_trait]
impl todo_kit::function::Work for AnnounceWork {
    async fn run_once(&self) -> Result<todo_kit::function::WorkReport, todo_kit::function::WorkError> {
        let report = self
            .announcer
            .tick(self.clock.now())
            .await
            .map_err(todo_kit::function::WorkError::from_error)?;
        Ok(todo_kit::function::WorkReport::count("due_soon", report.due_soon)
            .with("overdue", report.overdue)
            .with("reminders", report.reminders))
    }
}
