//! Whether a played case had its effect: the one change it names happened to the task it names,
//! and nothing else changed. Titles compare without case, surrounding spaces or a final period;
//! due times compare as local minutes (or days) in the case's zone; tags as sets.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::case::{Case, Change, Effect, Fields};
use super::run::{Outcome, ZONE, local_instant};

/// The fields a change can touch, compared between before and after: the ones chat-api's tools
/// set, and the status.
fn fields() -> impl Iterator<Item = &'static str> {
    chat_api::tools::TASK_FIELDS.into_iter().chain(["status"])
}

/// `Ok` when the case's effect happened; otherwise what went wrong.
pub(crate) fn effect(case: &Case, outcome: &Outcome) -> Result<(), String> {
    if let Some(expected) = &case.shows {
        let shown = outcome.shown.as_ref().ok_or("nothing was listed")?;
        let shown: BTreeSet<String> = shown.iter().map(|t| title_key(t)).collect();
        let expected: BTreeSet<String> = expected.iter().map(|t| title_key(t)).collect();
        if shown != expected {
            return Err(format!("listed {shown:?}, expected {expected:?}"));
        }
    }
    match &case.effect {
        Effect::Added(fields) => added(outcome, fields),
        Effect::Completed(title) => status_changed(outcome, title, "completed"),
        Effect::Reopened(title) => status_changed(outcome, title, "pending"),
        Effect::Deleted(title) => {
            let id = existing(outcome, title)?["id"].clone();
            if outcome.after.iter().any(|t| t["id"] == id) {
                return Err(format!("'{title}' is still there"));
            }
            unchanged_except(outcome, Some(&id))
        }
        Effect::Changed(change) => changed(outcome, change),
        Effect::Nothing(false) | Effect::Asks(false) => Err("an effect of `false` says nothing to check".into()),
        Effect::Nothing(true) => unchanged_except(outcome, None),
        Effect::Asks(true) => {
            unchanged_except(outcome, None)?;
            let last = outcome.replies.last().map(String::as_str).unwrap_or_default();
            if last.contains('?') {
                Ok(())
            } else {
                Err(format!("the last reply asks nothing: {last}"))
            }
        }
    }
}

fn title_key(title: &str) -> String {
    title.trim().trim_end_matches('.').trim().to_lowercase()
}

/// The task titled `title` before the conversation.
fn existing<'a>(outcome: &'a Outcome, title: &str) -> Result<&'a Value, String> {
    let key = title_key(title);
    outcome
        .before
        .iter()
        .find(|t| t["title"].as_str().is_some_and(|t| title_key(t) == key))
        .ok_or_else(|| format!("the case names '{title}', which is not among its tasks"))
}

/// Every task but `except` is as it was, and none is new.
fn unchanged_except(outcome: &Outcome, except: Option<&Value>) -> Result<(), String> {
    for task in &outcome.before {
        if Some(&task["id"]) == except {
            continue;
        }
        let Some(now) = outcome.after.iter().find(|t| t["id"] == task["id"]) else {
            return Err(format!("'{}' was deleted", task["title"]));
        };
        for field in fields() {
            if !same(field, &task[field], &now[field]) {
                return Err(format!(
                    "'{}' changed its {field}: {} -> {}",
                    task["title"], task[field], now[field]
                ));
            }
        }
    }
    match outcome
        .after
        .iter()
        .find(|t| !outcome.before.iter().any(|b| b["id"] == t["id"]))
    {
        Some(new) => Err(format!("a task was added: '{}'", new["title"])),
        None => Ok(()),
    }
}

fn same(field: &str, before: &Value, after: &Value) -> bool {
    match field {
        "tags" => tags(before) == tags(after),
        "due_at" => instant(before) == instant(after),
        _ => before == after,
    }
}

fn tags(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .map(|tags| tags.iter().filter_map(|t| t.as_str().map(str::to_lowercase)).collect())
        .unwrap_or_default()
}

fn instant(value: &Value) -> Option<DateTime<Utc>> {
    value.as_str().and_then(|t| t.parse().ok())
}

fn status_changed(outcome: &Outcome, title: &str, status: &str) -> Result<(), String> {
    let before = existing(outcome, title)?;
    let after = outcome
        .after
        .iter()
        .find(|t| t["id"] == before["id"])
        .ok_or_else(|| format!("'{title}' was deleted"))?;
    if after["status"] != status {
        return Err(format!("'{title}' is {}, not {status}", after["status"]));
    }
    unchanged_except(outcome, Some(&before["id"]))
}

fn added(outcome: &Outcome, fields: &Fields) -> Result<(), String> {
    let new: Vec<&Value> = outcome
        .after
        .iter()
        .filter(|t| !outcome.before.iter().any(|b| b["id"] == t["id"]))
        .collect();
    let [task] = new.as_slice() else {
        return Err(format!("{} tasks were added, not one", new.len()));
    };
    let mut misses = Vec::new();
    expect_title(&mut misses, task, &fields.title);
    expect_due(&mut misses, task, fields.due.as_deref(), fields.due_day.as_deref());
    let priority = fields.priority.as_deref().unwrap_or("medium");
    if task["priority"] != priority {
        misses.push(format!("priority {} (expected {priority})", task["priority"]));
    }
    let want: BTreeSet<String> = fields.tags.iter().map(|t| t.to_lowercase()).collect();
    if tags(&task["tags"]) != want {
        misses.push(format!("tags {} (expected {want:?})", task["tags"]));
    }
    expect_repeat(&mut misses, task, fields.repeat.as_deref());
    if task["remind_before_minutes"].as_i64() != fields.remind_before_minutes {
        misses.push(format!(
            "reminder {} (expected {:?})",
            task["remind_before_minutes"], fields.remind_before_minutes
        ));
    }
    if !misses.is_empty() {
        return Err(format!("added '{}' with {}", task["title"], misses.join(", ")));
    }
    let id = task["id"].clone();
    unchanged_except(
        &Outcome {
            after: outcome.after.iter().filter(|t| t["id"] != id).cloned().collect(),
            before: outcome.before.clone(),
            intent: String::new(),
            replies: Vec::new(),
            shown: None,
        },
        None,
    )
}

fn expect_title(misses: &mut Vec<String>, task: &Value, title: &str) {
    let actual = task["title"].as_str().unwrap_or_default();
    if title_key(actual) != title_key(title) {
        misses.push(format!("title '{actual}' (expected '{title}')"));
    }
}

fn expect_due(misses: &mut Vec<String>, task: &Value, due: Option<&str>, day: Option<&str>) {
    let actual = instant(&task["due_at"]).map(|at| at.with_timezone(&ZONE));
    let (shown, expected) = match (due, day) {
        (Some(due), _) => (actual.map(|a| a.format("%Y-%m-%dT%H:%M").to_string()), Some(due)),
        (None, Some(day)) => (actual.map(|a| a.format("%Y-%m-%d").to_string()), Some(day)),
        (None, None) => (actual.map(|a| a.format("%Y-%m-%dT%H:%M").to_string()), None),
    };
    if let Some(due) = due
        && let Err(e) = local_instant(due)
    {
        misses.push(e);
    }
    if shown.as_deref() != expected {
        misses.push(format!("due {shown:?} (expected {expected:?})"));
    }
}

fn expect_repeat(misses: &mut Vec<String>, task: &Value, repeat: Option<&str>) {
    let rule = task["recurrence"].as_str();
    match (repeat, rule) {
        (None, None) => {}
        (Some(repeat), Some(rule)) => {
            let parts: BTreeSet<&str> = rule.trim_start_matches("RRULE:").split(';').collect();
            let missing: Vec<&str> = repeat.split(';').filter(|p| !parts.contains(p)).collect();
            if !missing.is_empty() {
                misses.push(format!("repetition {rule} (missing {})", missing.join(";")));
            }
        }
        (want, got) => misses.push(format!("repetition {got:?} (expected {want:?})")),
    }
}

fn changed(outcome: &Outcome, change: &Change) -> Result<(), String> {
    let before = existing(outcome, &change.task)?;
    let after = outcome
        .after
        .iter()
        .find(|t| t["id"] == before["id"])
        .ok_or_else(|| format!("'{}' was deleted", change.task))?;
    let mut misses = Vec::new();
    let mut touched = BTreeSet::new();
    if let Some(title) = &change.title {
        touched.insert("title");
        expect_title(&mut misses, after, title);
    }
    if change.due.is_some() || change.due_day.is_some() || change.due_cleared {
        touched.insert("due_at");
        expect_due(&mut misses, after, change.due.as_deref(), change.due_day.as_deref());
    }
    if let Some(priority) = &change.priority {
        touched.insert("priority");
        if after["priority"] != priority.as_str() {
            misses.push(format!("priority {} (expected {priority})", after["priority"]));
        }
    }
    if !change.tags_added.is_empty() || !change.tags_removed.is_empty() {
        touched.insert("tags");
        let mut want = tags(&before["tags"]);
        want.extend(change.tags_added.iter().map(|t| t.to_lowercase()));
        for tag in &change.tags_removed {
            want.remove(&tag.to_lowercase());
        }
        if tags(&after["tags"]) != want {
            misses.push(format!("tags {} (expected {want:?})", after["tags"]));
        }
    }
    if let Some(description) = &change.description {
        touched.insert("description");
        if after["description"].as_str().map(title_key) != Some(title_key(description)) {
            misses.push(format!(
                "description {} (expected '{description}')",
                after["description"]
            ));
        }
    }
    if let Some(minutes) = change.remind_before_minutes {
        touched.insert("remind_before_minutes");
        if after["remind_before_minutes"].as_i64() != Some(minutes) {
            misses.push(format!(
                "reminder {} (expected {minutes})",
                after["remind_before_minutes"]
            ));
        }
    }
    if change.repeat.is_some() || change.repeat_cleared {
        touched.insert("recurrence");
        expect_repeat(&mut misses, after, change.repeat.as_deref());
    }
    for field in fields().filter(|f| !touched.contains(f)) {
        if !same(field, &before[field], &after[field]) {
            misses.push(format!("{field} changed: {} -> {}", before[field], after[field]));
        }
    }
    if !misses.is_empty() {
        return Err(format!("'{}' now has {}", change.task, misses.join(", ")));
    }
    unchanged_except(outcome, Some(&before["id"]))
}
