//! From an understood message to task-api calls and a reply. Actions that change several tasks or
//! delete anything are explicit: deletes wait for a "yes", and an ambiguous reference gets a
//! question listing the candidates instead of a guess.
//!
//! [`act`] sends each intent on ([`dispatch`]): adding ([`add`]), listing and searching ([`list`]),
//! and the intents about existing tasks, whose target is resolved first ([`target`]) and which are
//! then completed or reopened ([`status`]), deleted after a yes ([`delete`]) or changed, their
//! recurrence included ([`update`]); "undo" reverses the last change ([`undo`]). A [`Turn`] is one message's context and records each tool call.

mod add;
mod delete;
mod dispatch;
mod list;
mod status;
mod target;
mod turn;
mod undo;
mod update;

pub(crate) use dispatch::act;
pub use turn::Action;
pub(crate) use turn::Turn;
