//! "Delete …": never at once. The first message only asks, keeping the ids as the pending question;
//! the "yes" that answers it deletes them and forgets them as "it" and in the last list.

use serde_json::json;

use super::turn::{Acted, Turn};
use crate::conversation::reply;
use crate::conversation::state::Pending;
use crate::tools::ToolError;

/// Asks whether to delete the tasks `titled` names.
pub(super) fn ask(turn: Turn<'_>, ids: &[i64], titled: &[(i64, String)]) -> Acted {
    let mut state = turn.state.clone();
    state.pending = Some(Pending::ConfirmDelete { task_ids: ids.to_vec() });
    state.last_mentioned = ids.first().copied().filter(|_| ids.len() == 1);
    turn.done(reply::confirm_delete(titled), state)
}

/// Deletes `ids` after the user said yes.
pub(super) async fn confirmed(mut turn: Turn<'_>, ids: &[i64]) -> Acted {
    let mut deleted = Vec::new();
    let mut failures = Vec::new();
    for id in ids {
        match turn.tool("delete_task", json!({ "task_id": id })).await {
            Ok(result) => deleted.push(result["title"].as_str().unwrap_or("?").to_owned()),
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
    turn.done(reply::deleted(&deleted, &failures), state)
}
