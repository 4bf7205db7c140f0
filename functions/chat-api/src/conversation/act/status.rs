//! "Done with …" and "reopen …": `complete_task` or `reopen_task` for each resolved task, with
//! one reply naming those changed and those that failed.

use serde_json::json;

use super::turn::{Acted, Turn, finish_on};
use crate::conversation::reply;

/// Completes (`complete`) or reopens the tasks `titled` names.
pub(super) async fn change(mut turn: Turn<'_>, complete: bool, ids: &[i64], titled: &[(i64, String)]) -> Acted {
    let tool = if complete { "complete_task" } else { "reopen_task" };
    let mut done = Vec::new();
    let mut failures = Vec::new();
    for (id, title) in titled {
        match turn.tool(tool, json!({ "task_id": id })).await {
            Ok(_) => done.push(title.clone()),
            Err(error) => failures.push(format!("“{title}”: {error}")),
        }
    }
    let reply = reply::status_changed(&done, &failures, complete);
    finish_on(turn, ids, reply)
}
