//! The assistant's words: short, specific replies that say what changed and how to refer to it next.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::Value;

use super::time::describe;
use todo_nlu::ListFilter;

/// Most tasks written out in one reply.
const SHOWN: usize = 20;

pub(crate) fn not_understood() -> String {
    "Sorry, I didn't understand that. Try \"add buy milk tomorrow\", \"show my tasks\" or \"help\".".to_owned()
}

fn quoted(titles: &[String]) -> String {
    let quoted: Vec<String> = titles.iter().map(|t| format!("“{t}”")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn with_failures(mut reply: String, failures: &[String]) -> String {
    if !failures.is_empty() {
        if !reply.is_empty() {
            reply.push(' ');
        }
        let _ = write!(reply, "Not done: {}.", failures.join("; "));
    }
    reply
}

pub(crate) fn added(
    created: &Value,
    due: Option<DateTime<Utc>>,
    recurrence: Option<&str>,
    now: DateTime<Utc>,
    tz: Tz,
) -> String {
    let mut reply = format!("Added “{}”", created["title"].as_str().unwrap_or("?"));
    if let Some(due) = due {
        let _ = write!(reply, ", due {}", describe(due, now, tz));
    }
    if let Some(rule) = recurrence {
        let _ = write!(reply, ", repeating ({rule})");
    }
    let _ = write!(reply, " (task #{}).", created["task_id"]);
    reply
}

fn what(filter: &ListFilter, search: bool) -> &'static str {
    if search {
        "matching tasks"
    } else if filter.overdue {
        "overdue tasks"
    } else {
        match filter.status {
            Some(todo_nlu::Status::Completed) => "completed tasks",
            Some(todo_nlu::Status::Pending) => "pending tasks",
            None => "tasks",
        }
    }
}

pub(crate) fn listing(items: &[Value], filter: &ListFilter, search: bool, now: DateTime<Utc>, tz: Tz) -> String {
    let what = what(filter, search);
    if items.is_empty() {
        return format!("You have no {what}.");
    }
    let mut reply = if items.len() == 1 {
        format!("You have 1 {}:", what.trim_end_matches('s'))
    } else {
        format!("You have {} {what}:", items.len())
    };
    for (position, task) in items.iter().take(SHOWN).enumerate() {
        let mark = if task["status"] == "completed" { "✓" } else { "○" };
        let _ = write!(
            reply,
            "\n{}. {mark} {}",
            position + 1,
            task["title"].as_str().unwrap_or("?")
        );
        if let Some(due) = task["due_at"]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        {
            let _ = write!(reply, " — due {}", describe(due.with_timezone(&Utc), now, tz));
        }
        if let Some(p @ ("high" | "urgent")) = task["priority"].as_str() {
            let _ = write!(reply, " [{p}]");
        }
        if let Some(tags) = task["tags"].as_array().filter(|t| !t.is_empty()) {
            let tags: Vec<String> = tags
                .iter()
                .filter_map(|t| t.as_str().map(|t| format!("#{t}")))
                .collect();
            let _ = write!(reply, " {}", tags.join(" "));
        }
    }
    if items.len() > SHOWN {
        let _ = write!(reply, "\n…and {} more.", items.len() - SHOWN);
    }
    reply
}

pub(crate) fn confirm_delete(titled: &[(i64, String)]) -> String {
    let titles: Vec<String> = titled.iter().map(|(_, t)| t.clone()).collect();
    let it = if titled.len() == 1 { "it" } else { "them" };
    format!(
        "Delete {}? Say yes to delete {it}, or no to keep {it}.",
        quoted(&titles)
    )
}

pub(crate) fn status_changed(done: &[String], failures: &[String], completed: bool) -> String {
    let reply = match (done.len(), completed) {
        (0, _) => String::new(),
        (_, true) => format!("Marked {} as done.", quoted(done)),
        (_, false) => format!("Marked {} as not done yet.", quoted(done)),
    };
    with_failures(reply, failures)
}

pub(crate) fn updated(changed: &[String], failures: &[String]) -> String {
    let reply = if changed.is_empty() {
        String::new()
    } else {
        format!("Updated {}.", quoted(changed))
    };
    with_failures(reply, failures)
}

pub(crate) fn deleted(deleted: &[String], failures: &[String]) -> String {
    let reply = if deleted.is_empty() {
        String::new()
    } else {
        format!("Deleted {}.", quoted(deleted))
    };
    with_failures(reply, failures)
}
