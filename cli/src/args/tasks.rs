//! The task commands: `add`, `list`, `search`, `show`, `edit`, `done`, `reopen`, `rm`, and `watch`
//! for their events live.

use clap::Args;

#[derive(Debug, Args)]
pub(crate) struct AddArgs {
    /// What to do.
    pub(crate) title: String,
    /// Longer notes.
    #[arg(long, short = 'd')]
    pub(crate) description: Option<String>,
    /// low, medium, high or urgent.
    #[arg(long, short = 'p')]
    pub(crate) priority: Option<String>,
    /// A tag (repeat for more).
    #[arg(long, short = 't')]
    pub(crate) tag: Vec<String>,
    /// Due date, read as the chat reads it: `tomorrow 17:00`, `2026-12-01`, `in 3 days`, `friday`,
    /// `end of the week`, RFC 3339... (in the zone TZ names)
    #[arg(long)]
    pub(crate) due: Option<String>,
    /// Remind this long before the due date: `30m`, `2h`, `1d`.
    #[arg(long)]
    pub(crate) remind: Option<String>,
    /// Repeat: `day`, `2 weeks`, `mon,wed`, `weekdays`, `every evening`, `monthly until dec 31`,
    /// `daily for 10 times`, or an RRULE; without --due the task is due on the first occurrence.
    #[arg(long)]
    pub(crate) every: Option<String>,
    /// Print the created task as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// pending, completed or all.
    #[arg(long, short = 's', default_value = "all")]
    pub(crate) status: String,
    /// Only these priorities (repeat for more).
    #[arg(long, short = 'p')]
    pub(crate) priority: Vec<String>,
    /// Only tasks with all these tags (repeat for more).
    #[arg(long, short = 't')]
    pub(crate) tag: Vec<String>,
    /// Only pending tasks past their due date.
    #[arg(long)]
    pub(crate) overdue: bool,
    /// Only tasks due before this (human dates accepted).
    #[arg(long)]
    pub(crate) due_before: Option<String>,
    /// Only tasks due at or after this (human dates accepted).
    #[arg(long)]
    pub(crate) due_after: Option<String>,
    /// due_at, priority, created_at, updated_at or title; prefix `-` for descending.
    #[arg(long, default_value = "due_at", allow_hyphen_values = true)]
    pub(crate) sort: String,
    /// Show at most this many tasks.
    #[arg(long, short = 'n', default_value_t = 100)]
    pub(crate) limit: usize,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct SearchArgs {
    /// Words to look for (each matches as a prefix).
    #[arg(required = true, num_args = 1..)]
    pub(crate) words: Vec<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct IdArg {
    /// Task id.
    pub(crate) id: i64,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RmArgs {
    /// Task id.
    pub(crate) id: i64,
    /// Why it is deleted.
    #[arg(long)]
    pub(crate) reason: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct EditArgs {
    /// Task id.
    pub(crate) id: i64,
    /// New title.
    #[arg(long)]
    pub(crate) title: Option<String>,
    /// New description (empty clears it).
    #[arg(long, short = 'd')]
    pub(crate) description: Option<String>,
    /// New priority.
    #[arg(long, short = 'p')]
    pub(crate) priority: Option<String>,
    /// Replace all tags with these (repeat for more).
    #[arg(long, short = 't', conflicts_with_all = ["add_tag", "remove_tag"])]
    pub(crate) tag: Vec<String>,
    /// Add a tag.
    #[arg(long)]
    pub(crate) add_tag: Vec<String>,
    /// Remove a tag.
    #[arg(long)]
    pub(crate) remove_tag: Vec<String>,
    /// New due date (human dates accepted).
    #[arg(long, conflicts_with = "no_due")]
    pub(crate) due: Option<String>,
    /// Remove the due date (and reminder and recurrence).
    #[arg(long)]
    pub(crate) no_due: bool,
    /// New reminder: `30m`, `2h`, `1d`.
    #[arg(long, conflicts_with = "no_remind")]
    pub(crate) remind: Option<String>,
    /// Remove the reminder.
    #[arg(long)]
    pub(crate) no_remind: bool,
    /// New recurrence.
    #[arg(long, conflicts_with = "no_repeat")]
    pub(crate) every: Option<String>,
    /// Stop repeating.
    #[arg(long)]
    pub(crate) no_repeat: bool,
    /// Print the task as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct WatchArgs {
    /// Print each event as its CloudEvent JSON, one per line.
    #[arg(long)]
    pub(crate) json: bool,
    /// Stop after this many events.
    #[arg(long)]
    pub(crate) count: Option<usize>,
}
