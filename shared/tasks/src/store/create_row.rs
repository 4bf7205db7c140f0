//! The values one create writes (the task, its `created` history, its outbox events; the list
//! version is bumped per owner), taken from the create's `Mutation`. The PostgreSQL store's
//! batches write them, and so does the benchmark's database limit, which must write exactly what
//! a create writes.

use chrono::{DateTime, Utc};
use todo_domain::Mutation;
use todo_domain::query::title_key;

use super::outbox_columns::OutboxColumns;

/// The column values of one create.
#[derive(Debug)]
pub struct CreateRow {
    /// `tasks.id`, already taken.
    pub id: i64,
    pub owner_id: String,
    pub title: String,
    /// `tasks.title_key`, the title as sorting compares it.
    pub title_key: String,
    pub description: Option<String>,
    /// `tasks.priority`, as its rank.
    pub priority: i16,
    pub tags: Vec<String>,
    pub due_at: Option<DateTime<Utc>>,
    /// `tasks.remind_before_minutes`.
    pub remind: Option<i64>,
    pub recurrence: Option<String>,
    /// `created_at`, `updated_at` and the history's `at`.
    pub at: DateTime<Utc>,
    /// The history's `changes` document, as JSON text.
    pub changes: String,
    pub series_id: Option<i64>,
    pub occurrence: Option<i64>,
    /// Its outbox rows (one `task.created`).
    pub events: Vec<OutboxColumns>,
}

impl CreateRow {
    /// The values of a create's mutation, written at `at`.
    #[must_use]
    pub fn of(mutation: &Mutation, at: DateTime<Utc>) -> Self {
        let t = &mutation.task;
        Self {
            id: t.id,
            owner_id: t.owner_id.clone(),
            title: t.title.clone(),
            title_key: title_key(&t.title),
            description: t.description.clone(),
            priority: t.priority.rank(),
            tags: t.tags.clone(),
            due_at: t.due_at,
            remind: t.remind_before_minutes,
            recurrence: t.recurrence.clone(),
            at,
            changes: mutation.changes_document().to_string(),
            series_id: t.series_id,
            occurrence: t.occurrence,
            events: mutation.events.iter().map(OutboxColumns::of).collect(),
        }
    }

    /// The tags as the JSON array text both stores' statements read.
    #[must_use]
    pub fn tags_json(&self) -> String {
        super::rows::tags_json(&self.tags)
    }
}
