//! "Undo": reverses the last change the chat made ([`Change`]), once. A completion is reopened, a
//! reopening completed, an added task deleted, a change put back to the values before it, and a
//! deleted task added again (task-api has no restore, so it comes back as a new task with a new
//! id, its history staying with the deleted one).

use serde_json::{Map, Value, json};

use super::turn::{Acted, Turn, finish_on, label};
use crate::conversation::reply;
use crate::conversation::state::Change;
use crate::tools::TASK_FIELDS;

/// Reverses the conversation's last change.
pub(super) async fn undo(mut turn: Turn<'_>) -> Acted {
    let Some(change) = turn.state.last_change.take() else {
        return turn.keep("There's nothing to undo: I haven't changed anything in this conversation yet.".into());
    };
    let mut done = Vec::new();
    let mut failures = Vec::new();
    let mut ids = Vec::new();
    let what = match &change {
        Change::Completed { task_ids } | Change::Reopened { task_ids } => {
            let completed = matches!(change, Change::Completed { .. });
            let tool = if completed { "reopen_task" } else { "complete_task" };
            for id in task_ids {
                match turn.tool(tool, json!({ "task_id": id })).await {
                    Ok(result) => {
                        done.push(label(*id, result["title"].as_str().unwrap_or("?")));
                        ids.push(*id);
                    }
                    Err(error) => failures.push(format!("#{id}: {error}")),
                }
            }
            if completed { "not done yet" } else { "done again" }
        }
        Change::Added { task_ids } => {
            for id in task_ids {
                match turn.tool("delete_task", json!({ "task_id": id })).await {
                    Ok(result) => done.push(label(*id, result["title"].as_str().unwrap_or("?"))),
                    Err(error) => failures.push(format!("#{id}: {error}")),
                }
            }
            "removed"
        }
        Change::Updated { before } => {
            for task in before {
                let Some(id) = task["id"].as_i64() else { continue };
                let mut args: Map<String, Value> = TASK_FIELDS
                    .iter()
                    .map(|field| ((*field).to_owned(), task[*field].clone()))
                    .collect();
                args.insert("task_id".into(), json!(id));
                match turn.tool("update_task", Value::Object(args)).await {
                    Ok(_) => {
                        done.push(label(id, task["title"].as_str().unwrap_or("?")));
                        ids.push(id);
                    }
                    Err(error) => failures.push(format!("#{id}: {error}")),
                }
            }
            "back as it was"
        }
        Change::Deleted { tasks } => {
            for task in tasks {
                match restore(&mut turn, task).await {
                    Ok(id) => {
                        done.push(format!(
                            "{} (was #{})",
                            label(id, task["title"].as_str().unwrap_or("?")),
                            task["id"]
                        ));
                        ids.push(id);
                    }
                    Err(error) => failures.push(format!("“{}”: {error}", task["title"].as_str().unwrap_or("?"))),
                }
            }
            "back on your list as a new task"
        }
    };
    let reply = if done.is_empty() {
        reply::undone("nothing", &failures)
    } else {
        reply::undone(&format!("{} {what}", done.join(", ")), &failures)
    };
    finish_on(turn, &ids, reply)
}

/// Adds a deleted task again with its fields (completed again when it was); returns its new id.
async fn restore(turn: &mut Turn<'_>, task: &Value) -> Result<i64, crate::tools::ToolError> {
    let mut args: Map<String, Value> = TASK_FIELDS
        .iter()
        .filter(|field| !task[**field].is_null())
        .map(|field| ((*field).to_owned(), task[*field].clone()))
        .collect();
    if task["due_at"].is_null() {
        args.remove("remind_before_minutes");
    }
    let created = turn.tool("add_task", Value::Object(args)).await?;
    let id = created["task_id"]
        .as_i64()
        .ok_or_else(|| crate::tools::ToolError::Refused(format!("task-api answered without an id: {created}")))?;
    if task["status"] == "completed" {
        turn.tool("complete_task", json!({ "task_id": id })).await?;
    }
    Ok(id)
}
