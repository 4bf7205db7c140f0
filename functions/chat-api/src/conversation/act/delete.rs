//! "Delete …": never at once. The first message only asks, keeping the ids as the pending question;
//! the "yes" that answers it deletes them and forgets them as "it" and in the last list. The tasks
//! as they were are kept as the last change, so "undo" can add them again.

use serde_json::json;

use super::target::Titled;
use super::turn::{Acted, Turn, label};
use crate::conversation::reply;
use crate::conversation::state::{Change, Pending};
use crate::tools::ToolError;

/// Asks whether to delete the tasks `titled` names.
pub(super) fn ask(turn: Turn<'_>, ids: &[i64], titled: &[Titled]) -> Acted {
    let mut state = turn.state.clone();
    state.pending = Some(Pending::ConfirmDelete { task_ids: ids.to_vec() });
    state.last_mentioned = ids.first().copied().filter(|_| ids.len() == 1);
    let labels: Vec<String> = titled.iter().map(|t| t.label.clone()).collect();
    turn.done(reply::confirm_delete(&labels), state)
}

/// Deletes `ids` after the user said yes.
pub(super) async fn confirmed(mut turn: Turn<'_>, ids: &[i64]) -> Acted {
    // What undo needs to add them again; a failed read only costs the undo.
    let before = turn.tasks().await.unwrap_or_default();
    let mut deleted = Vec::new();
    let mut kept = Vec::new();
    let mut failures = Vec::new();
    for id in ids {
        match turn.tool("delete_task", json!({ "task_id": id })).await {
            Ok(result) => {
                deleted.push(label(*id, result["title"].as_str().unwrap_or("?")));
                if let Some(task) = before.iter().find(|t| t["id"].as_i64() == Some(*id)) {
                    kept.push(task.clone());
                }
            }
            Err(ToolError::NotFound(_)) => failures.push(format!("task {id} was already gone")),
            Err(error) => failures.push(error.to_string()),
        }
    }
    let mut state = turn.state.clone();
    state.pending = None;
    state.last_listed.retain(|id| !ids.contains(id));
    if state.last_mentioned.is_some_and(|id| ids.contains(&id)) {
        state.last_mentioned = None;
    }
    if !kept.is_empty() {
        state.last_change = Some(Change::Deleted { tasks: kept });
    }
    turn.done(reply::deleted(&deleted, &failures), state)
}
