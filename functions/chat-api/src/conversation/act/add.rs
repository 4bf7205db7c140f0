//! "Add …": a new task from the message's title, description, priority, tags, due date, reminder
//! and recurrence; the new task becomes "it".

use serde_json::{Map, Value, json};
use todo_nlu::{self as nlu, Resolution, TaskRef, Understanding};

use super::target::candidate;
use super::turn::{Acted, Turn, tool_error};
use crate::conversation::reply;
use crate::conversation::state::Change;
use crate::conversation::time::rfc3339;

/// A message that said no verb ("the plumber can only come on saturday now", "pull the vet
/// appointment forward to tomorrow") names a pending task in more words than its title: the
/// change of that task it reads as, not a new task. A message that is a title and a date ("buy
/// milk tomorrow") stays an add.
pub(super) async fn change_instead(
    turn: &mut Turn<'_>,
    added: &Understanding,
    message: &str,
) -> Option<(Understanding, TaskRef)> {
    let reading = nlu::as_change(message, &turn.ctx, added)?;
    let target = reading.target.clone()?;
    let title = added.slots.title.as_deref()?;
    let tasks = turn.tasks().await.ok()?;
    let pending: Vec<nlu::Candidate> = tasks
        .iter()
        .filter_map(candidate)
        .filter(|c| c.status == nlu::Status::Pending)
        .collect();
    let Resolution::Unique { id } = nlu::resolve(&target, &turn.ctx, &pending) else {
        return None;
    };
    let named = pending.iter().find(|c| c.id == id)?;
    // What would be the new task's title holds the named task's and says more.
    (nlu::covers(title, &named.title) && !nlu::names_title(title, &named.title)).then_some((reading, target))
}

pub(super) async fn add(mut turn: Turn<'_>, understanding: &Understanding) -> Acted {
    let slots = &understanding.slots;
    let Some(title) = slots.title.clone() else {
        return turn.keep("What should the new task be called?".into());
    };
    let mut args = Map::new();
    args.insert("title".into(), json!(title));
    if let Some(description) = &slots.description {
        args.insert("description".into(), json!(description));
    }
    if let Some(priority) = slots.priority {
        args.insert("priority".into(), json!(priority.as_str()));
    }
    if !slots.tags_add.is_empty() {
        args.insert("tags".into(), json!(slots.tags_add));
    }
    let due = slots.due.as_ref().and_then(|d| d.apply(None, turn.now, turn.tz));
    if let Some(due) = due {
        args.insert("due_at".into(), json!(rfc3339(due, turn.tz)));
        if let Some(minutes) = slots.reminder_minutes {
            args.insert("remind_before_minutes".into(), json!(minutes));
        }
    }
    if let Some(rule) = &slots.recurrence {
        args.insert("recurrence".into(), json!(rule));
    }
    match turn.tool("add_task", Value::Object(args)).await {
        Ok(created) => {
            let id = created["task_id"].as_i64();
            let reply = reply::added(&created, due, slots.recurrence.as_deref(), turn.now, turn.tz);
            let mut state = turn.state.clone();
            state.last_mentioned = id;
            state.pending = None;
            state.last_change = id.map(|id| Change::Added { task_ids: vec![id] });
            turn.done(reply, state)
        }
        Err(error) => {
            let reply = tool_error(&error);
            turn.keep(reply)
        }
    }
}
