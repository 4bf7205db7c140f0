//! How tasks look in a terminal: a table with status markers and, on a TTY, colours.

use std::io::IsTerminal;

use chrono::{DateTime, Local, Utc};
use todo_domain::recurrence::Recurrence;
use todo_domain::{HistoryEntry, Priority, Status, Task};

/// ANSI styling, switched off when stdout is not a terminal or `NO_COLOR` is set.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    enabled: bool,
}

impl Style {
    pub(crate) fn detect() -> Self {
        Self {
            enabled: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.enabled {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
}

fn priority_label(style: Style, priority: Priority) -> String {
    let code = match priority {
        Priority::Low => "2",
        Priority::Medium => "0",
        Priority::High => "33",
        Priority::Urgent => "1;31",
    };
    style.paint(code, &format!("{:<6}", priority.as_str()))
}

/// A due time for people: local time, with "overdue" when it has passed.
fn due_label(style: Style, task: &Task, now: DateTime<Utc>) -> String {
    match task.due_at {
        None => String::new(),
        Some(due) => {
            let local = due.with_timezone(&Local).format("%a %d %b %H:%M").to_string();
            if task.is_overdue(now) {
                style.paint("31", &format!("{local} (overdue)"))
            } else {
                local
            }
        }
    }
}

/// One line per task, pending first as the server sorted them.
pub(crate) fn table(tasks: &[Task]) -> String {
    let style = Style::detect();
    let now = Utc::now();
    if tasks.is_empty() {
        return "No tasks.".into();
    }
    let id_width = tasks.iter().map(|t| t.id.to_string().len()).max().unwrap_or(1);
    let mut out = String::new();
    for task in tasks {
        let marker = match task.status {
            Status::Completed => style.paint("32", "[x]"),
            Status::Pending => "[ ]".to_owned(),
        };
        let title = if task.status == Status::Completed {
            style.paint("9;2", &task.title)
        } else {
            task.title.clone()
        };
        let tags: String = task.tags.iter().map(|t| style.paint("36", &format!(" #{t}"))).collect();
        let repeat = if task.recurrence.is_some() { " ↻" } else { "" };
        let due = due_label(style, task, now);
        let due = if due.is_empty() {
            String::new()
        } else {
            format!("  due {due}")
        };
        out.push_str(&format!(
            "{marker} {:>id_width$}  {}  {title}{tags}{repeat}{due}\n",
            task.id,
            priority_label(style, task.priority)
        ));
    }
    out.pop();
    out
}

/// Every field of one task, then its history.
pub(crate) fn details(task: &Task, history: &[HistoryEntry]) -> String {
    let style = Style::detect();
    let now = Utc::now();
    let mut lines = vec![
        format!("Task {}: {}", task.id, task.title),
        format!("  status:      {}", task.status),
        format!("  priority:    {}", task.priority),
    ];
    if let Some(description) = &task.description {
        lines.push(format!("  description: {description}"));
    }
    if !task.tags.is_empty() {
        lines.push(format!(
            "  tags:        {}",
            task.tags.iter().map(|t| format!("#{t}")).collect::<Vec<_>>().join(" ")
        ));
    }
    if task.due_at.is_some() {
        lines.push(format!("  due:         {}", due_label(style, task, now)));
    }
    if let Some(minutes) = task.remind_before_minutes {
        lines.push(format!("  reminder:    {minutes} min before due"));
    }
    if let Some(rule) = &task.recurrence {
        let text = rule
            .parse::<Recurrence>()
            .map(|r| r.describe())
            .unwrap_or_else(|_| rule.clone());
        lines.push(format!("  repeats:     {text} ({rule})"));
    }
    lines.push(format!("  version:     {}", task.version));
    lines.push("History:".into());
    for entry in history {
        let fields: Vec<&str> = entry
            .changes
            .as_object()
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default();
        lines.push(format!(
            "  {}  {:<9} by {}  {}",
            entry.at.with_timezone(&Local).format("%Y-%m-%d %H:%M:%S"),
            entry.action,
            entry.actor_id,
            fields.join(", ")
        ));
    }
    lines.join("\n")
}

/// One line about a task that just changed.
pub(crate) fn summary(verb: &str, task: &Task) -> String {
    let mut text = format!("{verb} task {}: {}", task.id, task.title);
    if let Some(due) = task.due_at {
        text.push_str(&format!(
            " (due {})",
            due.with_timezone(&Local).format("%a %d %b %H:%M")
        ));
    }
    text
}
