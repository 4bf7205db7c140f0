//! The write path both stores share: lock the task, check the version, compute the change in the
//! domain, then persist task, history and outbox rows before one commit.

use async_trait::async_trait;
use todo_events::DomainEvent;

use crate::{Error, Result};
use todo_domain::{Mutation, NewTask, SeriesPosition, Task, WriteContext};

/// The statements a store runs inside one write transaction.
#[async_trait]
pub(crate) trait WriteTx: Send + Sized {
    /// The live task, locked against concurrent writers until commit.
    async fn load_for_update(&mut self, owner_id: &str, id: i64) -> Result<Option<Task>>;
    /// Inserts a new task (at `position` of its series, when given) and returns it with its id;
    /// `None` when the series already has a task at that position.
    async fn insert_task(
        &mut self,
        ctx: &WriteContext,
        task: &NewTask,
        position: Option<SeriesPosition>,
    ) -> Result<Option<Task>>;
    /// Writes the new state of a task; `deleted` marks it deleted.
    async fn save_task(&mut self, task: &Task, deleted: bool) -> Result<()>;
    /// Records the change in `task_history`.
    async fn insert_history(&mut self, ctx: &WriteContext, mutation: &Mutation) -> Result<()>;
    /// Moves the owner's list version on, invalidating list ETags and cached pages.
    async fn bump_list_version(&mut self, owner_id: &str) -> Result<()>;
    /// Adds the change's events to the outbox.
    async fn insert_outbox(&mut self, events: &[DomainEvent]) -> Result<()>;
    /// Makes everything above durable at once.
    async fn commit(self) -> Result<()>;
}

/// Creates a task at `position` of its series, with its history and `task.created` event; `None`,
/// with nothing written, when the series already has that occurrence. (Plain creates are
/// batched by each store.)
pub(crate) async fn create_at<T: WriteTx>(
    mut tx: T,
    ctx: &WriteContext,
    new: &NewTask,
    position: Option<SeriesPosition>,
) -> Result<Option<Task>> {
    let Some(task) = tx.insert_task(ctx, new, position).await? else {
        return Ok(None);
    };
    let mutation = Mutation::created(task, ctx);
    persist(tx, ctx, mutation, false).await.map(Some)
}

/// Runs `change` on the caller's task and persists what it returns; `None` commits nothing.
pub(crate) async fn modify<T, F>(
    mut tx: T,
    ctx: &WriteContext,
    id: i64,
    expected_version: Option<i64>,
    change: F,
) -> Result<Task>
where
    T: WriteTx,
    F: FnOnce(&Task) -> Result<Option<Mutation>> + Send,
{
    let task = tx.load_for_update(&ctx.user_id, id).await?.ok_or(Error::NotFound(id))?;
    if let Some(expected) = expected_version.filter(|v| *v != task.version) {
        return Err(Error::VersionConflict {
            id,
            expected,
            current: task.version,
        });
    }
    match change(&task)? {
        None => Ok(task),
        Some(mutation) => {
            let deleted = mutation.action == todo_domain::Action::Deleted;
            persist(tx, ctx, mutation, deleted).await
        }
    }
}

async fn persist<T: WriteTx>(mut tx: T, ctx: &WriteContext, mutation: Mutation, deleted: bool) -> Result<Task> {
    if mutation.action != todo_domain::Action::Created {
        tx.save_task(&mutation.task, deleted).await?;
    }
    tx.insert_history(ctx, &mutation).await?;
    tx.bump_list_version(&mutation.task.owner_id).await?;
    tx.insert_outbox(&mutation.events).await?;
    tx.commit().await?;
    Ok(mutation.task)
}

/// Checks the caller's `If-Match` against the task and computes the change.
///
/// # Errors
/// `VersionConflict` for a stale `expected_version`, or what `change` refuses.
pub(crate) fn plan<F>(task: &Task, expected_version: Option<i64>, change: F) -> Result<Option<Mutation>>
where
    F: FnOnce(&Task) -> Result<Option<Mutation>>,
{
    if let Some(expected) = expected_version.filter(|v| *v != task.version) {
        return Err(Error::VersionConflict {
            id: task.id,
            expected,
            current: task.version,
        });
    }
    change(task)
}
