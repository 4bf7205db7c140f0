//! Disaster recovery: a task change rebuilt from the archived event that announced it. After a
//! database is restored from a backup, the changes made since are put back from the event archive
//! (`todo replay --into`); each `task.*` event that task-api published carries what its change
//! did, so the task, its history and its list version come back as the original write left them,
//! without a new event (the event exists already, and its consumers have seen it).
//!
//! What events do not carry cannot come back: a task created with a reminder (`task.created`
//! has no `remind_before_minutes`) or as a later occurrence of a series (no series position)
//! returns without them.

use chrono::{DateTime, Utc};
use serde_json::Value;
use todo_events::{DomainEvent, EventPayload, TaskCreated};

use crate::change::{self, Action, Mutation, WriteContext, bump, diff};
use crate::{Error, Result};
use crate::{Priority, Status, Task, to_stored_precision};

/// The write context of the change an event announced: its user at its time.
///
/// # Errors
/// `Corrupt` for an event without a user (every task event has one).
pub fn context_of(event: &DomainEvent) -> Result<WriteContext> {
    let user_id = event
        .metadata
        .user_id
        .clone()
        .ok_or_else(|| Error::Corrupt(format!("event {} names no user", event.id)))?;
    Ok(WriteContext {
        user_id,
        now: to_stored_precision(event.time),
        source: event.source.clone(),
        metadata: event.metadata.clone(),
    })
}

/// The task a `task.created` event describes, as it was right after its creation.
///
/// # Errors
/// `Corrupt` for a priority the domain does not know.
pub fn created_task(created: &TaskCreated, ctx: &WriteContext) -> Result<Task> {
    let priority = Priority::parse(&created.priority)
        .ok_or_else(|| Error::Corrupt(format!("task.created with priority '{}'", created.priority)))?;
    Ok(Task {
        id: created.task_id,
        owner_id: ctx.user_id.clone(),
        title: created.title.clone(),
        description: created.description.clone(),
        priority,
        tags: created.tags.clone(),
        due_at: created.due_at.map(to_stored_precision),
        remind_before_minutes: None,
        recurrence: created.recurrence.clone(),
        status: Status::Pending,
        completed_at: None,
        created_at: ctx.now,
        updated_at: ctx.now,
        version: 1,
        series_id: created.recurrence.as_ref().map(|_| created.task_id),
        occurrence: created.recurrence.as_ref().map(|_| 1),
    })
}

/// The change an update, completion or deletion event made to `task`, with no event of its own;
/// `None` when `task` already shows it (it changed at or after the event's time).
///
/// # Errors
/// `Corrupt` for an update whose values do not fit the task's fields.
pub fn replayed_change(task: &Task, event: &DomainEvent, ctx: &WriteContext) -> Result<Option<Mutation>> {
    if task.updated_at >= ctx.now {
        return Ok(None);
    }
    let mutation = match &event.payload {
        EventPayload::TaskCompleted(_) => change::complete(task, ctx),
        EventPayload::TaskDeleted(deleted) => Some(change::delete(task, deleted.deletion_reason.clone(), ctx)),
        EventPayload::TaskUpdated(updated) => {
            let mut next = task.clone();
            for (field, value) in &updated.new_values {
                set_field(&mut next, field, value)?;
            }
            let changes = diff(task, &next);
            if changes.is_empty() {
                return Ok(None);
            }
            let action = if task.status == Status::Completed && next.status == Status::Pending {
                Action::Reopened
            } else {
                Action::Updated
            };
            if next.recurrence.is_some() && next.series_id.is_none() {
                next.series_id = Some(next.id);
                next.occurrence = Some(1);
            }
            Some(Mutation {
                task: bump(next, ctx),
                action,
                changes,
                events: Vec::new(),
            })
        }
        _ => None,
    };
    Ok(mutation.map(|m| Mutation {
        events: Vec::new(),
        ..m
    }))
}

fn set_field(task: &mut Task, field: &str, value: &Value) -> Result<()> {
    fn parse<T: serde::de::DeserializeOwned>(field: &str, value: &Value) -> Result<T> {
        serde_json::from_value(value.clone())
            .map_err(|e| Error::Corrupt(format!("task.updated: {field} = {value}: {e}")))
    }
    let time = |v: Option<DateTime<Utc>>| v.map(to_stored_precision);
    match field {
        "title" => task.title = parse(field, value)?,
        "description" => task.description = parse(field, value)?,
        "priority" => task.priority = parse(field, value)?,
        "tags" => task.tags = parse(field, value)?,
        "due_at" => task.due_at = time(parse(field, value)?),
        "remind_before_minutes" => task.remind_before_minutes = parse(field, value)?,
        "recurrence" => task.recurrence = parse(field, value)?,
        "status" => task.status = parse(field, value)?,
        "completed_at" => task.completed_at = time(parse(field, value)?),
        other => return Err(Error::Corrupt(format!("task.updated names an unknown field '{other}'"))),
    }
    Ok(())
}
