//! How a message points at tasks ([`TaskRef`]), the tasks a reference is resolved against
//! ([`Candidate`]) and what resolving gives ([`Resolution`]). A reference is only what the user
//! said; [`resolve`](crate::resolve) decides which task it is, given the conversation.

use chrono::{DateTime, NaiveTime, Utc};
use serde::Serialize;

use crate::types::{DueRange, ListFilter, PartOfDay, Priority, Status};

/// Which task (or tasks) a message is about, as said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TaskRef {
    /// A task id: a whole UUID or a prefix of at least 8 hex digits ("3f2a9c1e").
    Id { id: String },
    /// "task 3", "#3", "number 3": the task with id 3, or the 3rd of the last list shown (see
    /// [`crate::resolve`] for which, and when it asks).
    Number { number: u32 },
    /// "the second one" (2), "the last one" (-1): a position in the last list shown; negative
    /// counts from the end.
    Position { position: i32 },
    /// "it", "that", "this one": the task mentioned last.
    Pronoun,
    /// "them", "all of them": every task of the last list shown.
    LastList,
    /// "the groceries task": one task whose title matches `text` (lower case, typo tolerant),
    /// optionally due within `when` ("tomorrow's meeting"), at the local time `at` on whichever
    /// day ("my 3pm meeting"), or the soonest due from now (`next`: "my next meeting"). Words
    /// that only say what kind of entry it is ("the event this afternoon") leave the choice to
    /// the time.
    Title {
        text: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        when: Option<DueRange>,
        #[serde(skip_serializing_if = "Option::is_none")]
        at: Option<NaiveTime>,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        next: bool,
    },
    /// "my morning meetings", "all completed tasks": every task the filter selects; `filter.text`
    /// must match the title, and `part_of_day` the local time of the due time.
    Selection {
        filter: ListFilter,
        #[serde(skip_serializing_if = "Option::is_none")]
        part_of_day: Option<PartOfDay>,
    },
}

/// A task as the resolver needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Candidate {
    /// The task id as the API shows it.
    pub id: String,
    pub title: String,
    pub status: Status,
    pub due_at: Option<DateTime<Utc>>,
    /// Orders tasks for numbers said when no list was shown.
    pub created_at: DateTime<Utc>,
    pub tags: Vec<String>,
    pub priority: Priority,
}

/// Which task a reference means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Resolution {
    /// Exactly one task.
    Unique { id: String },
    /// A several-task reference and the tasks it selects (at least one).
    Many { ids: Vec<String> },
    /// More than one task fits; ask `question` and do nothing yet.
    Ambiguous {
        candidates: Vec<Candidate>,
        question: String,
    },
    /// Nothing fits; `message` says why, for the user.
    NotFound { message: String },
}
