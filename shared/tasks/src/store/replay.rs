//! Replaying archived task events into a store (disaster recovery): after a restore, each change
//! made since the backup is put back from the event that announced it (see
//! [`todo_domain::replay`]). Replaying an event twice changes nothing the second time: a created
//! task exists, and a task that changed at or after an event's time already shows it. An event
//! still in the restored outbox was written with the backup's rows and is skipped unread
//! ([`replay_all`]).

use todo_events::{DomainEvent, EventPayload};

use super::TaskStore;
use crate::{Error, Result};
use todo_domain::replay::{context_of, created_task, replayed_change};

/// What replaying one event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replayed {
    /// The change is back.
    Applied,
    /// The store already shows it.
    AlreadyThere,
    /// Its task is not in the store (deleted, or created before what was restored).
    Missing,
    /// Not a change of a task (a reminder, a session event, ...).
    NotATaskChange,
}

/// Puts the change `event` announced back into `store`.
///
/// # Errors
/// A store failure, or an event that does not describe a valid change.
pub async fn replay(store: &dyn TaskStore, event: &DomainEvent) -> Result<Replayed> {
    let task_id = match &event.payload {
        EventPayload::TaskCreated(created) => {
            let ctx = context_of(event)?;
            let task = created_task(created, &ctx)?;
            return Ok(if store.restore_created(&ctx, &task).await? {
                Replayed::Applied
            } else {
                Replayed::AlreadyThere
            });
        }
        EventPayload::TaskUpdated(e) => e.task_id,
        EventPayload::TaskCompleted(e) => e.task_id,
        EventPayload::TaskDeleted(e) => e.task_id,
        _ => return Ok(Replayed::NotATaskChange),
    };
    let ctx = context_of(event)?;
    let applied = std::sync::atomic::AtomicBool::new(false);
    let outcome = store
        .apply_change(&ctx, task_id, None, &|task| {
            let change = replayed_change(task, event, &ctx)?;
            applied.store(change.is_some(), std::sync::atomic::Ordering::Relaxed);
            Ok(change)
        })
        .await;
    match outcome {
        Ok(_) if applied.load(std::sync::atomic::Ordering::Relaxed) => Ok(Replayed::Applied),
        Ok(_) => Ok(Replayed::AlreadyThere),
        Err(Error::NotFound(_)) => Ok(Replayed::Missing),
        Err(error) => Err(error),
    }
}

/// Replays `events` (of one partition, in order) into `store`: those its outbox holds are already
/// there (they committed before the backup), the others are replayed one by one.
///
/// # Errors
/// As [`replay`]; the events before the failing one stay replayed.
pub async fn replay_all(store: &dyn TaskStore, events: &[DomainEvent]) -> Result<Vec<Replayed>> {
    let ids: Vec<uuid::Uuid> = events.iter().map(|e| e.id).collect();
    let held = store.outbox_holds(&ids).await?;
    let mut outcomes = Vec::with_capacity(events.len());
    for event in events {
        outcomes.push(if held.contains(&event.id) {
            Replayed::AlreadyThere
        } else {
            replay(store, event).await?
        });
    }
    Ok(outcomes)
}
