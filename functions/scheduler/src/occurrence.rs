//! Recurring tasks: when an occurrence is completed, the next one is created in its series.
//!
//! The next occurrence is keyed by its place in the series (the completed task's occurrence + 1),
//! which the store refuses to create twice, so a repeated `task.completed`, two schedulers at
//! once, or a reopen and second completion all end with one next occurrence.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use todo_domain::recurrence::Recurrence;
use todo_domain::{NewTask, SeriesPosition, Task, WriteContext};
use todo_events::{DomainEvent, EventMetadata, EventPayload};
use todo_kit::handler::{EventHandler, HandlerError, Outcome};
use todo_tasks::store::TaskStore;

use crate::{CONSUMER, Clock, SOURCE};

/// Most missed dates skipped to reach one after the completion (a daily task completed 27
/// years late stops here rather than looping long).
const MAX_SKIPPED: usize = 10_000;

/// Creates the next occurrence of a recurring task on its `task.completed`.
#[derive(Debug, Clone)]
pub struct NextOccurrence {
    store: Arc<dyn TaskStore>,
    clock: Arc<dyn Clock>,
}

impl NextOccurrence {
    /// A handler creating occurrences in `store`, stamping them with `clock`'s time.
    pub fn new(store: Arc<dyn TaskStore>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }
}

/// The due time and occurrence number of the occurrence after `task`, completed at `completed_at`:
/// the first date of its rule after both its own due time and the completion (dates missed while
/// it was late are skipped), and `None` when the series is over (COUNT tasks made, or UNTIL
/// passed). COUNT counts the tasks of the series.
pub fn next_due(rule: &Recurrence, task: &Task, completed_at: DateTime<Utc>) -> Option<(DateTime<Utc>, i64)> {
    let anchor = task.due_at.unwrap_or(completed_at);
    let number = task.occurrence.unwrap_or(1);
    let count_so_far = u32::try_from(number).unwrap_or(u32::MAX);
    let mut due = rule.next_occurrence(anchor, anchor, count_so_far)?;
    for _ in 0..MAX_SKIPPED {
        if due > completed_at {
            return Some((due, number + 1));
        }
        due = rule.next_occurrence(anchor, due, count_so_far)?;
    }
    None
}

fn retryable(error: &todo_tasks::Error) -> HandlerError {
    HandlerError::Retryable(format!("task store: {error}"))
}

#[async_trait]
impl EventHandler for NextOccurrence {
    fn name(&self) -> &str {
        CONSUMER
    }

    async fn handle(&self, event: &DomainEvent) -> Result<Outcome, HandlerError> {
        let EventPayload::TaskCompleted(done) = &event.payload else {
            return Ok(Outcome::Skipped);
        };
        let Some(user) = event.metadata.user_id.as_deref() else {
            return Ok(Outcome::Skipped);
        };
        let task = match self.store.get(user, done.task_id).await {
            Ok(task) => task,
            // Deleted since it was completed: its series ends with it.
            Err(todo_tasks::Error::NotFound(_)) => return Ok(Outcome::Skipped),
            Err(error) => return Err(retryable(&error)),
        };
        let Some(rule) = task.recurrence.as_deref() else {
            return Ok(Outcome::Skipped);
        };
        let rule: Recurrence = rule
            .parse()
            .map_err(|e| HandlerError::Poison(format!("task {} has an invalid rule '{rule}': {e}", task.id)))?;
        let Some((due_at, occurrence)) = next_due(&rule, &task, done.completion_time) else {
            tracing::info!(task_id = task.id, "recurring series ended");
            return Ok(Outcome::Skipped);
        };
        let next = NewTask {
            title: task.title.clone(),
            description: task.description.clone(),
            priority: task.priority,
            tags: task.tags.clone(),
            due_at: Some(due_at),
            remind_before_minutes: task.remind_before_minutes,
            recurrence: task.recurrence.clone(),
        };
        let mut ctx = WriteContext::new(
            user,
            SOURCE,
            EventMetadata {
                correlation_id: event.metadata.correlation_id.clone(),
                causation_id: Some(event.id.to_string()),
                user_id: Some(user.to_owned()),
                traceparent: event.metadata.traceparent.clone(),
            },
        );
        ctx.now = todo_domain::to_stored_precision(self.clock.now());
        let position = SeriesPosition {
            series_id: task.series_id.unwrap_or(task.id),
            occurrence,
        };
        match self.store.create_occurrence(&ctx, next, position).await {
            Ok(Some(created)) => {
                tracing::info!(
                    task_id = created.id,
                    series_id = position.series_id,
                    occurrence,
                    "next occurrence created"
                );
                Ok(Outcome::Done)
            }
            Ok(None) => Ok(Outcome::Duplicate),
            Err(error) => Err(retryable(&error)),
        }
    }
}
