//! Which tasks a message means: its reference ("the second one", "milk", "it") resolved among the
//! user's tasks, then handed to completing or reopening, deleting or updating. Several matches
//! with no way to choose get a question; none get a message saying so.

use chrono::{DateTime, Utc};
use serde_json::Value;
use todo_nlu::{self as nlu, Candidate, Intent, Resolution, TaskRef, Understanding};

use super::turn::{Acted, Turn, tool_error};
use super::{delete, status, update};
use crate::conversation::state::Pending;

/// A task as the resolver sees it.
pub(super) fn candidate(task: &Value) -> Option<Candidate> {
    let time = |name: &str| {
        task[name]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc))
    };
    // task-api always sends these; a task without them is not guessed at but left out.
    let priority = nlu::Priority::parse(task["priority"].as_str()?)?;
    Some(Candidate {
        id: task["id"].as_i64()?.to_string(),
        title: task["title"].as_str()?.to_owned(),
        status: nlu::Status::parse(task["status"].as_str()?)?,
        due_at: time("due_at"),
        created_at: time("created_at")?,
        tags: task["tags"]
            .as_array()
            .map(|t| t.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect())
            .unwrap_or_default(),
        priority,
    })
}

/// Resolves the target among the user's tasks, then completes, reopens, asks to delete or updates.
pub(super) async fn targeted(
    mut turn: Turn<'_>,
    understanding: &Understanding,
    target: &TaskRef,
    message: &str,
) -> Acted {
    let tasks = match turn.tasks().await {
        Ok(tasks) => tasks,
        Err(error) => {
            let reply = tool_error(&error);
            return turn.keep(reply);
        }
    };
    let pool: Vec<Candidate> = tasks
        .iter()
        .filter_map(candidate)
        .filter(|c| match understanding.intent {
            Intent::Complete => {
                c.status == nlu::Status::Pending || !matches!(target, TaskRef::Title { .. } | TaskRef::Selection { .. })
            }
            Intent::Reopen => {
                c.status == nlu::Status::Completed
                    || !matches!(target, TaskRef::Title { .. } | TaskRef::Selection { .. })
            }
            _ => true,
        })
        .collect();
    let mut resolution = nlu::resolve(target, &turn.ctx, &pool);
    // "make the vitamins a daily thing" with "take vitamins" to do and "buy vitamins" done: a
    // change by name is for the task still to do, when only one of those fits.
    if matches!(resolution, Resolution::Ambiguous { .. })
        && matches!(understanding.intent, Intent::Update | Intent::SetRecurrence)
        && matches!(target, TaskRef::Title { .. })
    {
        let pending: Vec<Candidate> = pool
            .iter()
            .filter(|c| c.status == nlu::Status::Pending)
            .cloned()
            .collect();
        if let found @ Resolution::Unique { .. } = nlu::resolve(target, &turn.ctx, &pending) {
            resolution = found;
        }
    }
    let ids: Vec<i64> = match resolution {
        Resolution::Unique { id } => id.parse().into_iter().collect(),
        Resolution::Many { ids } => ids.iter().filter_map(|id| id.parse().ok()).collect(),
        Resolution::Ambiguous { candidates, question } => {
            let mut state = turn.state.clone();
            state.last_listed = candidates.iter().filter_map(|c| c.id.parse().ok()).collect();
            state.pending = Some(Pending::Clarify {
                message: message.to_owned(),
            });
            return turn.done(question, state);
        }
        // "set lunch every day at twelve thirty" with no task called lunch: a new task.
        Resolution::NotFound { .. }
            if matches!(understanding.intent, Intent::Update | Intent::SetRecurrence)
                && matches!(target, TaskRef::Title { .. })
                && let Some(added) = nlu::as_add(message, &turn.ctx) =>
        {
            return Acted {
                read_as: Some(Intent::Add),
                ..super::add::add(turn, &added).await
            };
        }
        Resolution::NotFound { message } => return turn.keep(message),
    };
    let titled: Vec<Titled> = ids
        .iter()
        .map(|id| {
            let title = tasks
                .iter()
                .find(|t| t["id"].as_i64() == Some(*id))
                .and_then(|t| t["title"].as_str())
                .unwrap_or("?")
                .to_owned();
            let label = label(*id, &title, target, &turn.state.last_listed);
            Titled { id: *id, title, label }
        })
        .collect();
    match understanding.intent {
        Intent::Delete => delete::ask(turn, &ids, &titled),
        Intent::Complete | Intent::Reopen => {
            status::change(turn, understanding.intent == Intent::Complete, &ids, &titled).await
        }
        _ => update::update(turn, understanding, &tasks, &titled, message).await,
    }
}

/// A resolved task: its id, its title and how a reply names it.
pub(super) struct Titled {
    pub(super) id: i64,
    pub(super) title: String,
    pub(super) label: String,
}

/// `#12 “fix the sink”`, and which reading of a number chose it when it was the list's:
/// `#5 “walk the dog” (number 2 in the last list)`.
fn label(id: i64, title: &str, target: &TaskRef, last_listed: &[i64]) -> String {
    let named = super::turn::label(id, title);
    match target {
        TaskRef::Number { number } => {
            let position = usize::try_from(*number).ok().and_then(|n| n.checked_sub(1));
            let by_position = position.and_then(|p| last_listed.get(p)) == Some(&id);
            if by_position && i64::from(*number) != id {
                format!("{named} (number {number} in the last list)")
            } else {
                named
            }
        }
        _ => named,
    }
}
