//! "Move …", "rename …", "tag …", "repeat … every week": `update_task` for each resolved task with
//! only what the message changes. A relative due date moves the task's own, tags are added to and
//! removed from its own, and "no due date" or "stop repeating" clears a field.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use todo_nlu::{Field, Understanding};

use super::target::Titled;
use super::turn::{Acted, Turn, finish_on};
use crate::conversation::reply;
use crate::conversation::state::Change;
use crate::conversation::time::{describe, rfc3339};

/// Applies the message's changes to each task `titled` names (`tasks` holds their current values);
/// a message that names no change ("change the due date of the gas bill") is asked about, and
/// the answer ("friday") completes it.
pub(super) async fn update(
    mut turn: Turn<'_>,
    understanding: &Understanding,
    tasks: &[Value],
    titled: &[Titled],
    message: &str,
) -> Acted {
    let slots = &understanding.slots;
    let mut changed = Vec::new();
    let mut before = Vec::new();
    let mut what = String::new();
    let mut failures = Vec::new();
    for Titled { id, title, label } in titled {
        let task = tasks
            .iter()
            .find(|t| t["id"].as_i64() == Some(*id))
            .cloned()
            .unwrap_or(Value::Null);
        let mut args = Map::new();
        args.insert("task_id".into(), json!(id));
        if let Some(new_title) = &slots.title {
            args.insert("title".into(), json!(new_title));
        }
        if let Some(description) = &slots.description {
            args.insert("description".into(), json!(description));
        }
        if let Some(priority) = slots.priority {
            args.insert("priority".into(), json!(priority.as_str()));
        }
        if let Some(due) = &slots.due {
            let current = task["due_at"]
                .as_str()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&Utc));
            match due.apply(current, turn.now, turn.tz) {
                Some(at) => {
                    args.insert("due_at".into(), json!(rfc3339(at, turn.tz)));
                }
                None => {
                    failures.push(format!("“{title}” has no due date to move"));
                    continue;
                }
            }
        }
        if !slots.tags_add.is_empty() || !slots.tags_remove.is_empty() {
            let mut tags: Vec<String> = task["tags"]
                .as_array()
                .map(|t| t.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect())
                .unwrap_or_default();
            tags.retain(|t| !slots.tags_remove.contains(t));
            for tag in &slots.tags_add {
                if !tags.contains(tag) {
                    tags.push(tag.clone());
                }
            }
            args.insert("tags".into(), json!(tags));
        }
        if let Some(rule) = &slots.recurrence {
            args.insert("recurrence".into(), json!(rule));
            // A repeating task needs a due time: one without starts on the first occurrence.
            if task["due_at"].is_null()
                && !args.contains_key("due_at")
                && let Ok(phrase) = todo_nlu::parse_repeat(rule, turn.now, turn.tz)
            {
                args.insert("due_at".into(), json!(rfc3339(phrase.first_due, turn.tz)));
            }
        }
        if let Some(minutes) = slots.reminder_minutes {
            args.insert("remind_before_minutes".into(), json!(minutes));
        }
        for field in &slots.clear {
            let name = match field {
                Field::Due => "due_at",
                Field::Description => "description",
                Field::Recurrence => "recurrence",
                Field::Reminder => "remind_before_minutes",
                Field::Tags => "tags",
            };
            args.insert(name.into(), Value::Null);
        }
        if args.len() == 1 {
            return turn.ask_for_missing(value_question(message, label), message);
        }
        if what.is_empty() {
            what = describe_changes(&args, turn.now, turn.tz);
        }
        match turn.tool("update_task", Value::Object(args)).await {
            Ok(result) => {
                changed.push(super::turn::label(*id, result["title"].as_str().unwrap_or(title)));
                before.push(task);
            }
            Err(error) => failures.push(format!("{label}: {error}")),
        }
    }
    let reply = reply::updated(&changed, &what, &failures);
    if !before.is_empty() {
        turn.state.last_change = Some(Change::Updated { before });
    }
    let ids: Vec<i64> = titled.iter().map(|t| t.id).collect();
    finish_on(turn, &ids, reply)
}

/// What an `update_task` call changes, as a reply says it: "due tomorrow 09:00, priority high".
fn describe_changes(args: &Map<String, Value>, now: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    let mut parts = Vec::new();
    for (field, value) in args.iter().filter(|(field, _)| *field != "task_id") {
        let part = match (field.as_str(), value) {
            (name, Value::Null) => format!("no {}", name.replace("_at", "").replace('_', " ")),
            ("title", v) => format!("renamed to “{}”", v.as_str().unwrap_or_default()),
            ("description", v) => format!("note “{}”", v.as_str().unwrap_or_default()),
            ("due_at", v) => {
                let due = v.as_str().and_then(|t| DateTime::parse_from_rfc3339(t).ok());
                due.map_or_else(String::new, |due| {
                    format!("due {}", describe(due.with_timezone(&Utc), now, tz))
                })
            }
            ("tags", Value::Array(tags)) => {
                let tags: Vec<String> = tags
                    .iter()
                    .filter_map(|t| t.as_str().map(|t| format!("#{t}")))
                    .collect();
                format!("tags {}", tags.join(" "))
            }
            ("remind_before_minutes", v) => format!("reminder {} min before", v),
            ("recurrence", v) => format!("repeating ({})", v.as_str().unwrap_or_default()),
            (name, v) => format!("{name} {}", v.as_str().map_or_else(|| v.to_string(), str::to_owned)),
        };
        if !part.is_empty() {
            parts.push(part);
        }
    }
    parts.join(", ")
}

/// What to ask for when a change names its task but not the new value: about the field the
/// message names, if it names one.
fn value_question(message: &str, label: &str) -> String {
    let words: Vec<String> = message
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .collect();
    let said = |options: &[&str]| words.iter().any(|w| options.contains(&w.as_str()));
    if said(&["priority", "prio", "importance", "urgency"]) {
        format!("Which priority should {label} have: low, medium, high or urgent?")
    } else if said(&[
        "due",
        "date",
        "deadline",
        "time",
        "reschedule",
        "move",
        "postpone",
        "when",
    ]) {
        format!("When should {label} be due? For example “friday 5pm” or “in 2 days”.")
    } else if said(&["name", "title", "rename", "call", "called"]) {
        format!("What should {label} be called?")
    } else if said(&["note", "notes", "description", "describe"]) {
        format!("What should the note on {label} say?")
    } else if said(&["repeat", "recurrence", "recur", "recurring", "repetition"]) {
        format!("How often should {label} repeat? For example “every monday” or “monthly”.")
    } else {
        format!("What should I change about {label}? For example “due friday”, “high priority” or “rename it to …”.")
    }
}
