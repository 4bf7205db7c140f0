//! "Done with …" and "reopen …": `complete_task` or `reopen_task` for each resolved task, with
//! one reply naming those changed and those that failed.

use serde_json::json;

use super::target::Titled;
use super::turn::{Acted, Turn, finish_on};
use crate::conversation::reply;
use crate::conversation::state::Change;

/// Completes (`complete`) or reopens the tasks `titled` names.
pub(super) async fn change(mut turn: Turn<'_>, complete: bool, ids: &[i64], titled: &[Titled]) -> Acted {
    let tool = if complete { "complete_task" } else { "reopen_task" };
    let mut done = Vec::new();
    let mut changed = Vec::new();
    let mut failures = Vec::new();
    for task in titled {
        match turn.tool(tool, json!({ "task_id": task.id })).await {
            Ok(_) => {
                done.push(task.label.clone());
                changed.push(task.id);
            }
            Err(error) => failures.push(format!("{}: {error}", task.label)),
        }
    }
    let reply = reply::status_changed(&done, &failures, complete);
    if !changed.is_empty() {
        turn.state.last_change = Some(if complete {
            Change::Completed { task_ids: changed }
        } else {
            Change::Reopened { task_ids: changed }
        });
    }
    finish_on(turn, ids, reply)
}
