//! What a write does to a task, computed without I/O: the new state, the fields that changed
//! (for `task_history`) and the events that announce it (for the outbox).
//!
//! Stores only persist a [`Mutation`]; both stores therefore record the same history and
//! publish the same events for the same change.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use todo_events::{DomainEvent, EventMetadata, EventPayload, TaskCompleted, TaskCreated, TaskDeleted, TaskUpdated};

use crate::input::check_needs_due;
use crate::{FieldErrors, Result};
use crate::{Status, Task, TaskPatch, to_stored_precision};

/// Who writes, when, and the event metadata to stamp on what the write publishes.
#[derive(Debug, Clone)]
pub struct WriteContext {
    /// The authenticated user; every write is scoped to their tasks.
    pub user_id: String,
    /// The time of the write (truncated to stored precision).
    pub now: DateTime<Utc>,
    /// The CloudEvents `source` of published events, e.g. `/functions/task-api`.
    pub source: String,
    /// Correlation, causation and trace context carried into the events.
    pub metadata: EventMetadata,
}

impl WriteContext {
    /// A context for `user_id` at the current time.
    pub fn new(user_id: impl Into<String>, source: impl Into<String>, metadata: EventMetadata) -> Self {
        let user_id = user_id.into();
        let metadata = EventMetadata {
            user_id: Some(user_id.clone()),
            ..metadata
        };
        Self {
            user_id,
            now: to_stored_precision(Utc::now()),
            source: source.into(),
            metadata,
        }
    }

    fn event(&self, payload: EventPayload) -> DomainEvent {
        DomainEvent::new(self.source.clone(), self.now, self.metadata.clone(), payload)
    }
}

/// The kind of change, as recorded in history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The task was created.
    Created,
    /// Fields were edited.
    Updated,
    /// The task was completed.
    Completed,
    /// A completed task was made pending again.
    Reopened,
    /// The task was deleted.
    Deleted,
}

impl Action {
    /// The name stored in `task_history.action`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Updated => "updated",
            Self::Completed => "completed",
            Self::Reopened => "reopened",
            Self::Deleted => "deleted",
        }
    }
}

/// One field's old and new value.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    /// Field name as the API spells it.
    pub field: &'static str,
    /// Value before the change (null when it had none).
    pub old: Value,
    /// Value after the change.
    pub new: Value,
}

/// A change ready to persist: the task after it, its history record and its events.
#[derive(Debug, Clone)]
pub struct Mutation {
    /// The task after the change (version already increased).
    pub task: Task,
    /// What kind of change.
    pub action: Action,
    /// The fields that changed.
    pub changes: Vec<FieldChange>,
    /// The events to write to the outbox in the same transaction.
    pub events: Vec<DomainEvent>,
}

impl Mutation {
    /// The history record's `changes` document: `{"field": {"old": .., "new": ..}}`.
    pub fn changes_document(&self) -> Value {
        let map: Map<String, Value> = self
            .changes
            .iter()
            .map(|c| (c.field.to_owned(), json!({ "old": c.old, "new": c.new })))
            .collect();
        Value::Object(map)
    }

    /// The mutation for a task that was just inserted.
    pub fn created(task: Task, ctx: &WriteContext) -> Self {
        let changes = fields(&task)
            .into_iter()
            .filter(|(_, value)| !value.is_null() && value != &json!([]))
            .map(|(field, new)| FieldChange {
                field,
                old: Value::Null,
                new,
            })
            .collect();
        let event = ctx.event(EventPayload::TaskCreated(TaskCreated {
            task_id: task.id,
            title: task.title.clone(),
            description: task.description.clone(),
            priority: task.priority.as_str().to_owned(),
            tags: task.tags.clone(),
            due_at: task.due_at,
            recurrence: task.recurrence.clone(),
        }));
        Self {
            task,
            action: Action::Created,
            changes,
            events: vec![event],
        }
    }
}

/// The values of every editable field, as the API spells them.
fn fields(task: &Task) -> Vec<(&'static str, Value)> {
    vec![
        ("title", json!(task.title)),
        ("description", json!(task.description)),
        ("priority", json!(task.priority)),
        ("tags", json!(task.tags)),
        ("due_at", json!(task.due_at)),
        ("remind_before_minutes", json!(task.remind_before_minutes)),
        ("recurrence", json!(task.recurrence)),
        ("status", json!(task.status)),
        ("completed_at", json!(task.completed_at)),
    ]
}

pub(crate) fn diff(before: &Task, after: &Task) -> Vec<FieldChange> {
    fields(before)
        .into_iter()
        .zip(fields(after))
        .filter(|((_, old), (_, new))| old != new)
        .map(|((field, old), (_, new))| FieldChange { field, old, new })
        .collect()
}

pub(crate) fn bump(mut task: Task, ctx: &WriteContext) -> Task {
    task.version += 1;
    task.updated_at = ctx.now;
    task
}

fn updated_event(task_id: i64, changes: &[FieldChange], ctx: &WriteContext) -> DomainEvent {
    ctx.event(EventPayload::TaskUpdated(TaskUpdated {
        task_id,
        changed_fields: changes.iter().map(|c| c.field.to_owned()).collect(),
        old_values: changes.iter().map(|c| (c.field.to_owned(), c.old.clone())).collect(),
        new_values: changes.iter().map(|c| (c.field.to_owned(), c.new.clone())).collect(),
    }))
}

/// Applies a validated patch. `Ok(None)` when it changes nothing (no version bump, no event).
///
/// # Errors
/// `Error::Validation` when the result breaks a rule spanning fields (reminder without due date).
pub fn apply_patch(task: &Task, patch: &TaskPatch, ctx: &WriteContext) -> Result<Option<Mutation>> {
    let mut next = task.clone();
    if let Some(title) = &patch.title {
        next.title.clone_from(title);
    }
    if let Some(description) = &patch.description {
        next.description.clone_from(description);
    }
    if let Some(priority) = patch.priority {
        next.priority = priority;
    }
    if let Some(tags) = &patch.tags {
        next.tags.clone_from(tags);
    }
    if let Some(due_at) = patch.due_at {
        next.due_at = due_at;
    }
    if let Some(remind) = patch.remind_before_minutes {
        next.remind_before_minutes = remind;
    }
    if let Some(recurrence) = &patch.recurrence {
        next.recurrence.clone_from(recurrence);
        if next.recurrence.is_some() && next.series_id.is_none() {
            // Made recurring: it starts a series of its own.
            next.series_id = Some(next.id);
            next.occurrence = Some(1);
        }
    }
    let mut errors = FieldErrors::default();
    check_needs_due(
        next.due_at.is_some(),
        next.remind_before_minutes.is_some(),
        next.recurrence.is_some(),
        &mut errors,
    );
    errors.into_result(())?;

    let changes = diff(task, &next);
    if changes.is_empty() {
        return Ok(None);
    }
    let next = bump(next, ctx);
    let events = vec![updated_event(task.id, &changes, ctx)];
    Ok(Some(Mutation {
        task: next,
        action: Action::Updated,
        changes,
        events,
    }))
}

/// Completes a pending task. `None` when it is already completed: completing twice publishes once.
pub fn complete(task: &Task, ctx: &WriteContext) -> Option<Mutation> {
    if task.status == Status::Completed {
        return None;
    }
    let mut next = task.clone();
    next.status = Status::Completed;
    next.completed_at = Some(ctx.now);
    let changes = diff(task, &next);
    let next = bump(next, ctx);
    let time_to_complete = (ctx.now - task.created_at).num_seconds().max(0);
    let event = ctx.event(EventPayload::TaskCompleted(TaskCompleted {
        task_id: task.id,
        completion_time: ctx.now,
        time_to_complete,
    }));
    Some(Mutation {
        task: next,
        action: Action::Completed,
        changes,
        events: vec![event],
    })
}

/// Makes a completed task pending again. `None` when it is already pending.
pub fn reopen(task: &Task, ctx: &WriteContext) -> Option<Mutation> {
    if task.status == Status::Pending {
        return None;
    }
    let mut next = task.clone();
    next.status = Status::Pending;
    next.completed_at = None;
    let changes = diff(task, &next);
    let next = bump(next, ctx);
    let events = vec![updated_event(task.id, &changes, ctx)];
    Some(Mutation {
        task: next,
        action: Action::Reopened,
        changes,
        events,
    })
}

/// Deletes a task, with an optional reason carried into `task.deleted`.
pub fn delete(task: &Task, reason: Option<String>, ctx: &WriteContext) -> Mutation {
    let changes = vec![FieldChange {
        field: "deleted",
        old: json!(false),
        new: json!(true),
    }];
    let event = ctx.event(EventPayload::TaskDeleted(TaskDeleted {
        task_id: task.id,
        deletion_reason: reason,
    }));
    Mutation {
        task: bump(task.clone(), ctx),
        action: Action::Deleted,
        changes,
        events: vec![event],
    }
}
