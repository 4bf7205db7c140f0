//! A labelled conversation as `tests/data/effects/*.jsonl` holds it: the person's tasks before,
//! what they say, what the first message asks for and what must be true afterwards. The format is
//! described in `tests/data/effects/SOURCES.md`; unknown fields are refused, so a typo in a label
//! fails loudly instead of checking nothing.

use serde::Deserialize;

/// One conversation and its expected outcome.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Case {
    pub(crate) id: String,
    pub(crate) source: String,
    /// The person's tasks, in creation order.
    #[serde(default)]
    pub(crate) tasks: Vec<Seed>,
    /// The assistant showed every pending task, in this order, just before the turns.
    #[serde(default)]
    pub(crate) listed: bool,
    /// What the person says, in one conversation.
    pub(crate) turns: Vec<String>,
    /// What the first turn asks for (`add`, `list`, ..., `greeting`).
    pub(crate) intent: String,
    /// What must be true after the last turn.
    pub(crate) effect: Effect,
    /// Exactly the titles a list or search reply must show.
    #[serde(default)]
    pub(crate) shows: Option<Vec<String>>,
}

/// A task that exists before the conversation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Seed {
    pub(crate) title: String,
    #[serde(default)]
    pub(crate) status: Option<String>,
    #[serde(default)]
    pub(crate) priority: Option<String>,
    #[serde(default)]
    pub(crate) tags: Vec<String>,
    /// Local time in the case's zone, `YYYY-MM-DDTHH:MM`.
    #[serde(default)]
    pub(crate) due: Option<String>,
    /// Its repetition, as an RRULE (`FREQ=WEEKLY;BYDAY=MO`); needs `due`.
    #[serde(default)]
    pub(crate) repeat: Option<String>,
    /// The id the task must have (cases about task numbers).
    #[serde(default)]
    pub(crate) id: Option<i64>,
}

/// The outcome of a conversation.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum Effect {
    /// One new task, with these fields (the rest at their defaults).
    Added(Fields),
    /// The task with this title is completed.
    Completed(String),
    /// The completed task with this title is pending again.
    Reopened(String),
    /// The task with this title is gone.
    Deleted(String),
    /// The task named by `task` has these fields changed, and only these.
    Changed(Change),
    /// No task changed.
    Nothing(bool),
    /// No task changed, and the last reply asks a question.
    Asks(bool),
}

/// The fields of a new task that a case names.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Fields {
    pub(crate) title: String,
    #[serde(default)]
    pub(crate) due: Option<String>,
    #[serde(default)]
    pub(crate) due_day: Option<String>,
    #[serde(default)]
    pub(crate) priority: Option<String>,
    #[serde(default)]
    pub(crate) tags: Vec<String>,
    /// RRULE parts that must be in the task's rule (`FREQ=WEEKLY;BYDAY=MO`).
    #[serde(default)]
    pub(crate) repeat: Option<String>,
    #[serde(default)]
    pub(crate) remind_before_minutes: Option<i64>,
}

/// A change to one existing task.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Change {
    /// The title the task had before.
    pub(crate) task: String,
    #[serde(default)]
    pub(crate) title: Option<String>,
    #[serde(default)]
    pub(crate) due: Option<String>,
    #[serde(default)]
    pub(crate) due_day: Option<String>,
    #[serde(default)]
    pub(crate) priority: Option<String>,
    #[serde(default)]
    pub(crate) tags_added: Vec<String>,
    #[serde(default)]
    pub(crate) tags_removed: Vec<String>,
    #[serde(default)]
    pub(crate) description: Option<String>,
    #[serde(default)]
    pub(crate) repeat: Option<String>,
    #[serde(default)]
    pub(crate) repeat_cleared: bool,
    /// Minutes before the due time the reminder fires.
    #[serde(default)]
    pub(crate) remind_before_minutes: Option<i64>,
    #[serde(default)]
    pub(crate) due_cleared: bool,
}

/// Every case of a `.jsonl` file, in order; panics on a line that is not a case, naming it.
pub(crate) fn load(name: &str, text: &str) -> Vec<Case> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| serde_json::from_str(line).unwrap_or_else(|e| panic!("{name} line {}: {e}: {line}", n + 1)))
        .collect()
}
