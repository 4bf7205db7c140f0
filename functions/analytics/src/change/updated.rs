//! The part of a `task.updated` the read model keeps: priority, tags, due date and status. The
//! event carries the changed fields with their old and new values as task-api's JSON spells them
//! (see `shared/tasks/src/domain/change.rs`); a reopen's old `completed_at` names the completion
//! it takes back.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use todo_events::TaskUpdated;

use super::{PRIORITIES, Status, StatusChange, TaskChange};

/// The fields of a `task.updated` the read model keeps; `None` when it changed none of them.
pub(super) fn change(user_id: String, at: DateTime<Utc>, p: &TaskUpdated) -> Result<Option<TaskChange>, String> {
    let mut change = TaskChange::new(user_id, p.task_id, at);
    let changed = |field: &str| p.changed_fields.iter().any(|f| f == field) && p.new_values.contains_key(field);
    if changed("priority") {
        let priority = string(&p.new_values, "priority")?;
        if !PRIORITIES.contains(&priority.as_str()) {
            return Err(format!("task.updated: unknown priority '{priority}'"));
        }
        change.priority = Some(priority);
    }
    if changed("tags") {
        let tags = p.new_values.get("tags").cloned().unwrap_or(Value::Null);
        let tags: Vec<String> =
            serde_json::from_value(tags).map_err(|e| format!("task.updated: tags must be a list of strings: {e}"))?;
        change.tags = Some(tags);
    }
    if changed("due_at") {
        change.due_at = Some(time(&p.new_values, "due_at")?);
    }
    if changed("status") {
        let status = string(&p.new_values, "status")?;
        let status = Status::parse(&status).ok_or_else(|| format!("task.updated: unknown status '{status}'"))?;
        let completed_at = match status {
            Status::Completed => time(&p.new_values, "completed_at")?,
            Status::Pending => None,
        };
        if status == Status::Pending {
            // Reopening takes back the completion the task had, named by its time.
            change.retracts = time(&p.old_values, "completed_at")?;
        }
        change.status = Some(StatusChange { status, completed_at });
    }
    let relevant =
        change.priority.is_some() || change.tags.is_some() || change.due_at.is_some() || change.status.is_some();
    Ok(relevant.then_some(change))
}

fn string(values: &Map<String, Value>, field: &str) -> Result<String, String> {
    match values.get(field) {
        Some(Value::String(s)) => Ok(s.clone()),
        other => Err(format!("task.updated: {field} must be a string, got {other:?}")),
    }
}

/// An optional time: absent or null is `None`.
fn time(values: &Map<String, Value>, field: &str) -> Result<Option<DateTime<Utc>>, String> {
    match values.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => serde_json::from_value(value.clone())
            .map(Some)
            .map_err(|e| format!("task.updated: {field} must be an RFC 3339 time: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::change::test_support::{event, update};
    use crate::change::{Change, change_of};

    #[test]
    fn a_reopen_takes_back_the_completion_it_undoes() {
        let done = "2026-03-01T10:00:00.123456Z";
        let payload = update(
            &["status", "completed_at"],
            json!({"status": "completed", "completed_at": done}),
            json!({"status": "pending", "completed_at": null}),
        );
        let Ok(Some(Change::Task(change))) = change_of(&event(Some("u"), payload)) else {
            panic!("a reopen is a task change");
        };
        assert_eq!(
            change.retracts.map(|t| t.to_rfc3339()),
            Some("2026-03-01T10:00:00.123456+00:00".into())
        );
        assert_eq!(change.status.map(|s| s.status), Some(Status::Pending));
    }

    #[test]
    fn malformed_update_values_are_refused() {
        let bad = update(
            &["priority"],
            json!({"priority": "low"}),
            json!({"priority": "whenever"}),
        );
        assert!(change_of(&event(Some("u"), bad)).is_err());
        let bad = update(&["tags"], json!({"tags": []}), json!({"tags": "x"}));
        assert!(change_of(&event(Some("u"), bad)).is_err());
    }
}
