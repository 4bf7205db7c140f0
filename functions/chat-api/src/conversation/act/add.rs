//! "Add …": a new task from the message's title, description, priority, tags, due date, reminder
//! and recurrence; the new task becomes "it".

use serde_json::{Map, Value, json};
use todo_nlu::Understanding;

use super::turn::{Acted, Turn, tool_error};
use crate::conversation::reply;
use crate::conversation::state::Change;
use crate::conversation::time::rfc3339;

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
