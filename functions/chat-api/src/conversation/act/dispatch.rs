//! Which handler an intent goes to: conversation itself (greeting, help, yes, no) is answered here,
//! the rest goes on to the handler of its intent.

use todo_nlu::{self as nlu, Intent, Understanding};

use super::turn::{Acted, Turn};
use super::{add, delete, list, target, undo};
use crate::conversation::reply;
use crate::conversation::state::Pending;

/// Handles `understanding` for the turn.
pub(crate) async fn act(mut turn: Turn<'_>, understanding: &Understanding, message: &str) -> Acted {
    let slots = &understanding.slots;
    match understanding.intent {
        Intent::Greeting => {
            turn.keep("Hi! Tell me what to add, or ask what's on your list. Say \"help\" for examples.".into())
        }
        Intent::Help => turn.keep(nlu::help_text().to_owned()),
        Intent::Unknown => turn.keep(reply::not_understood()),
        Intent::Undo => undo::undo(turn).await,
        Intent::Deny => {
            let reply = if turn.state.pending.is_some() {
                "OK, I left everything as it was."
            } else {
                "OK."
            };
            turn.keep(reply.into())
        }
        Intent::Confirm => match turn.state.pending.clone() {
            Some(Pending::ConfirmDelete { task_ids }) => delete::confirmed(turn, &task_ids).await,
            _ => turn.keep("There's nothing waiting for a yes right now.".into()),
        },
        Intent::Add if slots.title.is_none() => {
            let question = if message.to_lowercase().contains("remind") {
                "What should I remind you about?"
            } else {
                "What should the new task be?"
            };
            turn.ask_for_missing(question.into(), message)
        }
        Intent::Add => match add::change_instead(&mut turn, understanding, message).await {
            Some((change, target)) => Acted {
                read_as: Some(change.intent),
                ..target::targeted(turn, &change, &target, message).await
            },
            None => add::add(turn, understanding).await,
        },
        Intent::List | Intent::Search => list::list(turn, understanding, message).await,
        Intent::Complete | Intent::Reopen | Intent::Delete | Intent::Update | Intent::SetRecurrence => {
            let Some(target) = understanding.target.clone() else {
                let question = match understanding.intent {
                    Intent::Delete => "Which task should I delete?",
                    Intent::Complete => "Which task did you finish?",
                    Intent::Reopen => "Which task should I reopen?",
                    _ => "Which task should I change?",
                };
                return turn.ask_for_missing(format!("{question} Say its name or its number in the list."), message);
            };
            target::targeted(turn, understanding, &target, message).await
        }
    }
}
