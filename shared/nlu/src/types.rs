//! What the NLU hands to the chat layer: the intent, the values the user gave (slots) and which
//! task or tasks they mean (the target). All of it serialises to JSON so the chat API can return
//! it as is; times are UTC, already resolved in the user's time zone.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Serialize;

use crate::target::TaskRef;

pub use todo_domain::query::{Sort, SortField};
/// Priority and status are the task domain's own, so a slot means what the task model means.
pub use todo_domain::{Priority, Status};

/// What the user wants done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    /// Create a task.
    Add,
    /// Show tasks, narrowed by `slots.filter`.
    List,
    /// Find tasks by words in them (`slots.search`).
    Search,
    /// Mark the target done.
    Complete,
    /// Mark the target pending again.
    Reopen,
    /// Delete the target; the chat layer asks for confirmation first.
    Delete,
    /// Change title, description, due time, priority, tags or reminder of the target.
    Update,
    /// Set or stop the target's repetition.
    SetRecurrence,
    /// "yes" to a question the chat layer asked.
    Confirm,
    /// "no" to a question the chat layer asked.
    Deny,
    /// "undo", "take that back": reverse the last change the chat made.
    Undo,
    /// The user asks what they can say.
    Help,
    /// Hello, thanks and other small talk.
    Greeting,
    /// Nothing the NLU understood.
    Unknown,
}

impl Intent {
    /// Every intent, for reports.
    pub const ALL: [Intent; 14] = [
        Self::Add,
        Self::List,
        Self::Search,
        Self::Complete,
        Self::Reopen,
        Self::Delete,
        Self::Update,
        Self::SetRecurrence,
        Self::Confirm,
        Self::Deny,
        Self::Undo,
        Self::Help,
        Self::Greeting,
        Self::Unknown,
    ];

    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Add => "add",
            Self::List => "list",
            Self::Search => "search",
            Self::Complete => "complete",
            Self::Reopen => "reopen",
            Self::Delete => "delete",
            Self::Update => "update",
            Self::SetRecurrence => "set_recurrence",
            Self::Confirm => "confirm",
            Self::Deny => "deny",
            Self::Undo => "undo",
            Self::Help => "help",
            Self::Greeting => "greeting",
            Self::Unknown => "unknown",
        }
    }
}

/// The result of [`understand`](crate::understand).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Understanding {
    pub intent: Intent,
    /// In `[0, 1]`, the same for the same message and context. Below 0.5 the chat layer should ask
    /// rather than act.
    pub confidence: f32,
    pub slots: Slots,
    /// The task or tasks the message is about, for intents that act on existing tasks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<TaskRef>,
    /// No words said what to do: the intent was read from what the message holds ("pay rent
    /// friday" is an add). Such a message may also be a change of a task it names (see
    /// [`as_change`](crate::as_change)).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub guessed: bool,
}

/// Values found in the message. Empty fields were not mentioned.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Slots {
    /// A new task's title, or the new title of the target; first letter capitalised.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<Due>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags_add: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags_remove: Vec<String>,
    /// An RRULE in the task model's canonical form, e.g. `FREQ=WEEKLY;BYDAY=MO`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<String>,
    /// Remind this many minutes before the due time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reminder_minutes: Option<i64>,
    /// Fields the user asked to remove ("remove the due date", "stop repeating").
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub clear: Vec<Field>,
    /// For `list`: which tasks to show.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<ListFilter>,
    /// For `search`: the words to look for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    /// For `list` and `search`: show at most this many ("my next meeting" is the soonest one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// For `list` and `search`: the order asked for ("by priority", "oldest first"), written as
    /// the task API writes a sort (`-priority`).
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "sort_spec")]
    pub order: Option<Sort>,
}

fn sort_spec<S: serde::Serializer>(order: &Option<Sort>, serializer: S) -> Result<S::Ok, S::Error> {
    match order {
        Some(sort) => serializer.serialize_str(&sort.spec()),
        None => serializer.serialize_none(),
    }
}

impl Slots {
    /// True when the slots change a task: a new value or a field to clear.
    pub fn changes(&self) -> bool {
        self.title.is_some()
            || self.description.is_some()
            || self.due.is_some()
            || self.priority.is_some()
            || !self.tags_add.is_empty()
            || !self.tags_remove.is_empty()
            || self.recurrence.is_some()
            || self.reminder_minutes.is_some()
            || !self.clear.is_empty()
    }
}

/// A task field that can be cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Due,
    Description,
    Recurrence,
    Reminder,
    Tags,
}

/// When a task is due, as the user said it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Due {
    /// A moment: "tomorrow at 5pm", "in 2 hours".
    At { at: DateTime<Utc> },
    /// A day without a time: "tomorrow", "on Dec 3". `at` is 23:59 that day in the user's zone,
    /// so the task becomes overdue only once the day is over.
    Day { date: NaiveDate, at: DateTime<Utc> },
    /// Only a time of day, local to the user: "move it to 2 PM". Each task keeps its own date.
    TimeOfDay { time: NaiveTime },
    /// Move the current due time: "postpone by 2 days", "push it back an hour". Days are local
    /// calendar days (a shift over a DST change keeps the wall-clock time).
    Shift { days: i64, minutes: i64 },
}

/// A part of the day, in the user's zone: "morning meetings", "monday morning".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PartOfDay {
    /// 05:00 to 12:00; "morning" alone means 09:00.
    Morning,
    /// 12:00 to 17:00; 15:00.
    Afternoon,
    /// 17:00 to 21:00; 19:00.
    Evening,
    /// 17:00 to 05:00, so "tonight" takes in the evening; "tonight" means 20:00.
    Night,
}

/// A half-open span of due times, `from <= due_at < to`; a missing bound is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DueRange {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<DateTime<Utc>>,
}

impl DueRange {
    /// True when `due` falls inside the range.
    pub fn contains(&self, due: DateTime<Utc>) -> bool {
        self.from.is_none_or(|from| from <= due) && self.to.is_none_or(|to| due < to)
    }
}

/// Which tasks a list (or a several-task target) covers. Empty means every task.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ListFilter {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Any of these priorities.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub priorities: Vec<Priority>,
    /// All of these tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<DueRange>,
    /// Pending and due before now (sets `status` to pending too).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub overdue: bool,
    /// With a due time (`true`) or without one (`false`): "tasks with no due date".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_due: Option<bool>,
    /// The kind of entry asked about ("what meetings do i have today"): the tasks whose titles
    /// say it, when some do; all of them otherwise, since people call any entry a meeting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Words the title (or a tag) must contain, e.g. "work" in "show my work tasks".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl ListFilter {
    /// True when nothing narrows the list.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}
