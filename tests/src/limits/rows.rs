//! The rows one create writes, built by the domain code task-api runs (`Mutation::created`), so
//! the database limit writes the same values as the store: the task, its `created` history with
//! the same `changes` document, its `task.created` outbox row with the whole CloudEvent, and a
//! bump of its owner's list version. The request is the one `scripts/bench/create.lua` sends.
//!
//! Every row is built before the clock starts: the limit is what the database accepts, not how
//! fast this client turns a request into rows (task-api's work, which the figure includes).

use chrono::{DateTime, Utc};
use todo_domain::query::title_key;
use todo_domain::{Mutation, TaskDraft, WriteContext};
use todo_events::EventMetadata;
use uuid::Uuid;

/// The values of one create, in the column types both databases take.
#[derive(Debug)]
pub struct Create {
    /// `tasks.id`: fixed up front, as the PostgreSQL store takes ids from the sequence first.
    pub id: i64,
    pub owner_id: String,
    pub title: String,
    pub title_key: String,
    pub description: Option<String>,
    pub priority: i16,
    pub tags: Vec<String>,
    pub due_at: Option<DateTime<Utc>>,
    pub remind: Option<i64>,
    pub recurrence: Option<String>,
    /// `created_at`, `updated_at` and the history's `at`.
    pub at: DateTime<Utc>,
    /// The history's `changes` document, as JSON text.
    pub changes: String,
    pub series_id: Option<i64>,
    pub occurrence: Option<i64>,
    /// Its outbox rows (one `task.created`).
    pub events: Vec<OutboxRow>,
}

/// One outbox row.
#[derive(Debug)]
pub struct OutboxRow {
    pub event_id: Uuid,
    pub event_type: &'static str,
    pub topic: &'static str,
    pub partition_key: Option<String>,
    /// The whole CloudEvent in structured JSON, as the relay reads it.
    pub data: String,
    pub at: DateTime<Utc>,
}

/// The owner of create `i` among `users` (`bench0` ...), as wrk's create/64 spreads them.
pub fn owner(i: usize, users: usize) -> String {
    format!("bench{}", i % users.max(1))
}

/// `count` creates with ids 1..=count, create `i` by [`owner`]`(i, users)`.
///
/// # Panics
/// When the domain refuses the request body create.lua sends (it never does).
pub fn creates(count: usize, users: usize) -> Vec<Create> {
    (0..count)
        .map(|i| {
            let draft = TaskDraft {
                title: format!("bench task {i}"),
                priority: Some("high".into()),
                tags: vec!["bench".into(), format!("t{}", i % 7)],
                due_at: Some("2030-01-01T10:00:00Z".into()),
                ..TaskDraft::default()
            };
            // As task-api's write_context: the request id as correlation id, no trace without OTel.
            let metadata = EventMetadata {
                correlation_id: Some(Uuid::new_v4().to_string()),
                ..EventMetadata::default()
            };
            let ctx = WriteContext::new(owner(i, users), "/functions/task-api", metadata);
            let id = i64::try_from(i).unwrap_or(i64::MAX) + 1;
            let new = draft.validate().expect("create.lua's body is valid");
            let mutation = Mutation::created(new.into_task(id, &ctx.user_id, ctx.now), &ctx);
            of(&mutation)
        })
        .collect()
}

fn of(mutation: &Mutation) -> Create {
    let t = &mutation.task;
    Create {
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
        at: t.created_at,
        changes: mutation.changes_document().to_string(),
        series_id: t.series_id,
        occurrence: t.occurrence,
        events: mutation
            .events
            .iter()
            .map(|event| OutboxRow {
                event_id: event.id,
                event_type: event.event_type().as_str(),
                topic: event.topic().name(),
                partition_key: event.partition_key(),
                data: event.to_structured_json().to_string(),
                at: event.time,
            })
            .collect(),
    }
}

/// How many creates of each owner `batch` holds, owners in one order (so concurrent batches
/// lock list versions without a deadlock, as the store does).
pub fn owner_counts<'a>(batch: &[&'a Create]) -> Vec<(&'a str, i64)> {
    let mut counts = std::collections::BTreeMap::new();
    for create in batch {
        *counts.entry(create.owner_id.as_str()).or_insert(0) += 1;
    }
    counts.into_iter().collect()
}
