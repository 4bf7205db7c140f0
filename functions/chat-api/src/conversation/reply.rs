//! The assistant's words: short, specific replies that say what changed and how to refer to it next.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::Value;

use super::time::describe;
use todo_nlu::{ListFilter, Sort, SortField};

/// Most tasks written out in one reply.
const SHOWN: usize = 20;

pub(crate) fn not_understood() -> String {
    "Sorry, I didn't understand that. Try \"add buy milk tomorrow\", \"show my tasks\" or \"help\".".to_owned()
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
    let _ = write!(reply, " (task #{}). Say “undo” to remove it.", created["task_id"]);
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

pub(crate) fn listing(
    items: &[Value],
    filter: &ListFilter,
    order: Option<Sort>,
    search: bool,
    now: DateTime<Utc>,
    tz: Tz,
) -> String {
    let what = what(filter, search);
    if items.is_empty() {
        return format!("You have no {what}.");
    }
    let mut reply = if items.len() == 1 {
        format!("You have 1 {}", what.trim_end_matches('s'))
    } else {
        format!("You have {} {what}", items.len())
    };
    if let Some(order) = order.filter(|_| items.len() > 1) {
        let _ = write!(reply, ", {}", order_words(order));
    }
    reply.push(':');
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

/// How a reply says the order a list was asked in.
fn order_words(order: Sort) -> &'static str {
    match (order.field, order.descending) {
        (SortField::Priority, true) => "most important first",
        (SortField::Priority, false) => "least important first",
        (SortField::CreatedAt, false) => "in the order you added them",
        (SortField::CreatedAt, true) => "newest first",
        (SortField::UpdatedAt, false) => "least recently changed first",
        (SortField::UpdatedAt, true) => "most recently changed first",
        (SortField::DueAt, false) => "soonest due first",
        (SortField::DueAt, true) => "latest due first",
        (SortField::Title, false) => "from A to Z",
        (SortField::Title, true) => "from Z to A",
    }
}

/// Tasks as a reply names them: `#5 “walk the dog”`, each label made by the caller.
fn listed_labels(labels: &[String]) -> String {
    match labels {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn it_or_them(count: usize) -> &'static str {
    if count == 1 { "it" } else { "them" }
}

pub(crate) fn confirm_delete(labels: &[String]) -> String {
    let it = it_or_them(labels.len());
    format!(
        "Delete {}? Say yes to delete {it}, or no to keep {it}.",
        listed_labels(labels)
    )
}

pub(crate) fn status_changed(done: &[String], failures: &[String], completed: bool) -> String {
    let it = it_or_them(done.len());
    let reply = match (done.len(), completed) {
        (0, _) => String::new(),
        (_, true) => format!("Marked {} as done. Say “undo” to reopen {it}.", listed_labels(done)),
        (_, false) => format!(
            "Marked {} as not done yet. Say “undo” to mark {it} done again.",
            listed_labels(done)
        ),
    };
    with_failures(reply, failures)
}

pub(crate) fn updated(changed: &[String], what: &str, failures: &[String]) -> String {
    let reply = if changed.is_empty() {
        String::new()
    } else {
        format!(
            "Updated {}: {what}. Say “undo” to change {} back.",
            listed_labels(changed),
            it_or_them(changed.len())
        )
    };
    with_failures(reply, failures)
}

pub(crate) fn deleted(deleted: &[String], failures: &[String]) -> String {
    let reply = if deleted.is_empty() {
        String::new()
    } else {
        format!(
            "Deleted {}. Say “undo” to bring {} back.",
            listed_labels(deleted),
            it_or_them(deleted.len())
        )
    };
    with_failures(reply, failures)
}

/// What "undo" did.
pub(crate) fn undone(what: &str, failures: &[String]) -> String {
    with_failures(format!("Undone: {what}."), failures)
}
