//! PostgreSQL writes as single statements: the task row, its history record and its outbox
//! events go in one statement of data-modifying CTEs, which PostgreSQL runs atomically. A write
//! costs two round trips (read or id, then the statement) instead of six in an explicit
//! transaction, and holds no row lock across round trips. A create takes its id from a block
//! of ids fetched ahead (`task_ids`) and shares its statement with concurrent creates
//! (`create_batch`).
//!
//! Updates are optimistic: the statement only applies if the version read is still the stored
//! one. When another writer got there first, the change is recomputed from the fresh task (or,
//! when the caller sent `If-Match`, refused as a version conflict).

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use todo_events::DomainEvent;

use super::PostgresTaskStore;
use crate::store::CreateRow;
use crate::store::outbox_columns::OutboxColumns;
use crate::store::write::plan;
use crate::{Error, Result};
use todo_domain::query::title_key;
use todo_domain::{Action, Mutation, NewTask, SeriesPosition, Task, WriteContext};

/// How often a write is recomputed after losing a race before it gives up with a conflict.
const MAX_ATTEMPTS: usize = 8;

/// The outbox columns of a set of events, as arrays for `UNNEST`.
#[derive(Default)]
struct OutboxArrays {
    ids: Vec<String>,
    types: Vec<&'static str>,
    topics: Vec<&'static str>,
    keys: Vec<Option<String>>,
    data: Vec<String>,
    times: Vec<DateTime<Utc>>,
}

impl OutboxArrays {
    fn of(events: &[DomainEvent]) -> Self {
        let mut arrays = Self::default();
        for row in events.iter().map(OutboxColumns::of) {
            arrays.ids.push(row.event_id);
            arrays.types.push(row.event_type);
            arrays.topics.push(row.topic);
            arrays.keys.push(row.partition_key);
            arrays.data.push(row.data);
            arrays.times.push(row.at);
        }
        arrays
    }
}

const SAVE: &str = "WITH t AS (
    UPDATE tasks SET title = $1, title_key = $2, description = $3, priority = $4, tags = $5, due_at = $6,
        remind_before_minutes = $7, recurrence = $8, status = $9, completed_at = $10, updated_at = $11,
        version = $12, deleted_at = CASE WHEN $13 THEN $11 ELSE NULL END, series_id = $26, occurrence = $27
    WHERE id = $14 AND owner_id = $15 AND version = $16 AND deleted_at IS NULL
    RETURNING id
), h AS (
    INSERT INTO task_history (task_id, owner_id, actor_id, action, changes, version, at)
    SELECT id, $15, $17, $18, $19, $12, $11 FROM t
), o AS (
    INSERT INTO outbox (event_id, event_type, topic, partition_key, event_data, created_at)
    SELECT e.id::uuid, e.type, e.topic, e.key, e.data::jsonb, e.at
    FROM UNNEST($20::text[], $21::text[], $22::text[], $23::text[], $24::text[], $25::timestamptz[])
        AS e(id, type, topic, key, data, at)
    CROSS JOIN t
), v AS (
    INSERT INTO task_list_versions (owner_id, version) SELECT $15, 1 FROM t
    ON CONFLICT (owner_id) DO UPDATE SET version = task_list_versions.version + 1
)
SELECT count(*) FROM t";

impl PostgresTaskStore {
    /// Creates a task, its history record and its `task.created` event in one statement (shared
    /// with the creates that wait beside it).
    pub(super) async fn create_task(&self, ctx: &WriteContext, new: NewTask) -> Result<Task> {
        let created = self.insert_created(ctx, new, None).await?;
        created.ok_or_else(|| Error::Corrupt("a new task conflicted with an existing one".into()))
    }

    /// Creates occurrence `position` of a series like [`Self::create_task`]; `None` when the
    /// series already has that occurrence.
    pub(super) async fn create_occurrence_task(
        &self,
        ctx: &WriteContext,
        new: NewTask,
        position: SeriesPosition,
    ) -> Result<Option<Task>> {
        self.insert_created(ctx, new, Some(position)).await
    }

    async fn insert_created(
        &self,
        ctx: &WriteContext,
        new: NewTask,
        position: Option<SeriesPosition>,
    ) -> Result<Option<Task>> {
        let id = self.task_ids.next(&self.pool).await?;
        let mut task = new.into_task(id, &ctx.user_id, ctx.now);
        if let Some(position) = position {
            task.series_id = Some(position.series_id);
            task.occurrence = Some(position.occurrence);
        }
        let mutation = Mutation::created(task, ctx);
        let inserted = self.creates.insert(&self.pool, CreateRow::of(&mutation, ctx.now)).await;
        // Also after a failure: the statement may have committed before the connection broke.
        self.changed(&mutation.task.owner_id);
        Ok(inserted?.then_some(mutation.task))
    }

    /// After a write that changed (or may have changed) `owner_id`'s tasks: the next list
    /// version read goes to the database, and listeners (the relay, other stores) hear of it.
    fn changed(&self, owner_id: &str) {
        self.versions.changed(owner_id);
        self.change_signal.changed(&self.pool, owner_id);
    }

    /// Reads the task, computes the change and applies it if nobody changed the task meanwhile;
    /// otherwise starts again from the fresh task.
    pub(super) async fn modify<F>(&self, ctx: &WriteContext, id: i64, expected: Option<i64>, change: F) -> Result<Task>
    where
        F: Fn(&Task) -> Result<Option<Mutation>> + Send + Sync,
    {
        let mut current = 0;
        for _ in 0..MAX_ATTEMPTS {
            let task = super::read::task(&self.pool, &ctx.user_id, id).await?;
            current = task.version;
            let Some(mutation) = plan(&task, expected, &change)? else {
                return Ok(task);
            };
            if self.save(ctx, &mutation, task.version).await? {
                return Ok(mutation.task);
            }
        }
        Err(Error::VersionConflict {
            id,
            expected: expected.unwrap_or(current),
            current,
        })
    }

    /// Applies a mutation if the task is still at `read_version`; false when it is not.
    async fn save(&self, ctx: &WriteContext, m: &Mutation, read_version: i64) -> Result<bool> {
        let t = &m.task;
        let outbox = OutboxArrays::of(&m.events);
        let applied: std::result::Result<i64, sqlx::Error> = sqlx::query_scalar(SAVE)
            .bind(&t.title)
            .bind(title_key(&t.title))
            .bind(&t.description)
            .bind(t.priority.rank())
            .bind(&t.tags)
            .bind(t.due_at)
            .bind(t.remind_before_minutes)
            .bind(&t.recurrence)
            .bind(t.status.as_str())
            .bind(t.completed_at)
            .bind(t.updated_at)
            .bind(t.version)
            .bind(m.action == Action::Deleted)
            .bind(t.id)
            .bind(&t.owner_id)
            .bind(read_version)
            .bind(&ctx.user_id)
            .bind(m.action.as_str())
            .bind(Json(m.changes_document()))
            .bind(&outbox.ids)
            .bind(&outbox.types)
            .bind(&outbox.topics)
            .bind(&outbox.keys)
            .bind(&outbox.data)
            .bind(&outbox.times)
            .bind(m.task.series_id)
            .bind(m.task.occurrence)
            .fetch_one(&self.pool)
            .await;
        self.changed(&t.owner_id);
        Ok(applied? == 1)
    }
}
