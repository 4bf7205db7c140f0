//! The language layer: turns a chat message into an intent, slots and a task reference, without
//! I/O and in well under a millisecond, so chat works offline and the same message always means
//! the same thing. The chat, the `todo` command and the page all read dates and repetitions here,
//! so a phrase means one thing wherever a person types it; priorities, statuses and rules are the
//! task domain's own types.
//!
//! [`parse_due`] and [`parse_repeat`] read a field typed on its own (`--due`, `--every`).
//! [`understand`] reads a message in a [`Context`] (the injected `now`, the user's time zone,
//! the last list shown and the task mentioned last); [`resolve`] turns its [`TaskRef`] into task
//! ids given the user's tasks, and asks rather than guesses when a reference is ambiguous.
//! `cargo run -p todo-nlu --release --example nlu_bench` times it over the labelled set in
//! `tests/data/utterances.jsonl`, which `tests/accuracy.rs` scores.

mod add;
mod context;
mod cues;
mod dates;
mod edit;
mod extras;
mod filter;
mod fuzzy;
mod help;
mod intent;
mod list_question;
mod location;
mod message;
mod normalise;
mod notes;
mod order;
mod phrase;
mod priority;
mod recurrence;
mod references;
mod refine;
mod resolver;
mod smalltalk;
mod statement;
mod tags;
mod target;
mod title;
mod types;
mod understand;
mod verbs;
mod when;
mod words;

pub use context::Context;
pub use fuzzy::text_matches;
pub use help::help_text;
pub use phrase::{PhraseError, RepeatPhrase, parse_due, parse_repeat};
pub use resolver::{covers, names_title, resolve};
pub use target::{Candidate, Resolution, TaskRef};
pub use types::{
    Due, DueRange, Field, Intent, ListFilter, PartOfDay, Priority, Slots, Sort, SortField, Status, Understanding,
};
pub use understand::{as_add, as_change, reference, understand};
pub use when::END_OF_DAY;
