//! The rows one create writes, built by the domain code task-api runs (`Mutation::created`) into
//! the store's own `CreateRow`, so the database limit writes the same values as the store: the
//! task, its `created` history with the same `changes` document, its `task.created` outbox row
//! with the whole CloudEvent, and a bump of its owner's list version. The request is the one `scripts/bench/create.lua` sends.
//!
//! Every row is built before the clock starts: the limit is what the database accepts, not how
//! fast this client turns a request into rows (task-api's work, which the figure includes).

use todo_domain::{Mutation, TaskDraft, WriteContext};
use todo_events::EventMetadata;
use uuid::Uuid;

use todo_tasks::store::CreateRow;

/// The owner of create `i` among `users` (`bench0` ...), as wrk's create/64 spreads them.
pub fn owner(i: usize, users: usize) -> String {
    format!("bench{}", i % users.max(1))
}

/// `count` creates with ids 1..=count, create `i` by [`owner`]`(i, users)`.
///
/// # Panics
/// When the domain refuses the request body create.lua sends (it never does).
pub fn creates(count: usize, users: usize) -> Vec<CreateRow> {
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
            CreateRow::of(&mutation, mutation.task.created_at)
        })
        .collect()
}

/// How many creates of each owner `batch` holds, owners in one order (so concurrent batches
/// lock list versions without a deadlock, as the store does).
pub fn owner_counts<'a>(batch: &[&'a CreateRow]) -> Vec<(&'a str, i64)> {
    let mut counts = std::collections::BTreeMap::new();
    for create in batch {
        *counts.entry(create.owner_id.as_str()).or_insert(0) += 1;
    }
    counts.into_iter().collect()
}
