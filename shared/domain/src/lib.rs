//! The task domain without I/O: validated values, the task itself, the changes a write makes, and
//! the list queries (filters, sorts, cursors) the stores run. Nothing here touches a database, so
//! the CLI, the chat's language layer and the stores share one meaning of a task; the stores live
//! in `todo-tasks`.

pub mod change;
mod error;
pub mod input;
pub mod priority;
pub mod query;
pub mod recurrence;
pub mod replay;
pub mod status;
pub mod tags;
pub mod task;

pub use change::{Action, FieldChange, Mutation, WriteContext};
pub use error::{Error, FieldError, FieldErrors, Result};
pub use input::{NewTask, PatchField, TaskDraft, TaskPatch, TaskPatchDraft};
pub use priority::Priority;
pub use status::Status;
pub use task::{HistoryEntry, SeriesPosition, Task};

use chrono::{DateTime, SubsecRound, Utc};

/// Limits of a task's fields, shared by validation, the API docs and the stores.
pub mod limits {
    /// Longest title, in characters.
    pub const TITLE_MAX: usize = 200;
    /// Longest description, in characters.
    pub const DESCRIPTION_MAX: usize = 4000;
    /// Most tags on one task.
    pub const TAGS_MAX: usize = 20;
    /// Longest tag, in characters.
    pub const TAG_MAX: usize = 50;
    /// Longest reminder offset: 365 days, in minutes.
    pub const REMINDER_MAX_MINUTES: i64 = 365 * 24 * 60;
    /// Longest deletion reason, in characters.
    pub const REASON_MAX: usize = 500;
}

/// Truncates a time to whole microseconds, the precision both databases store, so a value read
/// back equals the value written.
pub fn to_stored_precision(time: DateTime<Utc>) -> DateTime<Utc> {
    time.trunc_subsecs(6)
}
