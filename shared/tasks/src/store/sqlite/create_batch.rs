//! SQLite creates that arrive together share one transaction and one statement per table. SQLite
//! has a single writer, so creates queue for it anyway; written one at a time each paid its own
//! `BEGIN`, commit and six trips to the connection's thread (make bench: 1,400 creates/s with
//! half the CPU idle). A batch pays them once (`store::batches` forms the batches).
//!
//! The batch takes its task ids from the table inside its transaction, which holds the write
//! lock, so the tasks, their history and their events are built before the statements run. When
//! SQLite refuses a batch, the transaction is rolled back and each create is tried alone, so one
//! bad create does not fail the others.

use serde_json::{Value, json};
use sqlx::SqlitePool;

use super::tags_json;
use crate::Result;
use crate::store::batches::{Batches, Shape, Waiting, write_together_or_alone};
use crate::store::outbox_columns::OutboxColumns;
use todo_db::time::micros;
use todo_domain::query::title_key;
use todo_domain::{Mutation, NewTask, Task, WriteContext};

/// One writer: SQLite has one writer connection.
const SHAPE: Shape = Shape {
    writers: 1,
    max_batch: 64,
};

/// The highest task id used so far (AUTOINCREMENT never reuses one).
const LAST_ID: &str = "SELECT max(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'tasks'), 0), \
                              COALESCE((SELECT max(id) FROM tasks), 0))";

const INSERT_TASKS: &str = "INSERT INTO tasks (id, owner_id, title, title_key, description, priority, tags, due_at, \
        remind_before_minutes, recurrence, status, created_at, updated_at, version, series_id, occurrence) \
    SELECT value->>'id', value->>'owner_id', value->>'title', value->>'title_key', value->>'description', \
        value->>'priority', value->>'tags', value->>'due_at', value->>'remind', value->>'recurrence', 'pending', \
        value->>'at', value->>'at', 1, value->>'series_id', value->>'occurrence' \
    FROM json_each(?1) ORDER BY key";

const INSERT_HISTORY: &str = "INSERT INTO task_history (task_id, owner_id, actor_id, action, changes, version, at) \
    SELECT value->>'id', value->>'owner_id', value->>'owner_id', 'created', value->>'changes', 1, value->>'at' \
    FROM json_each(?1) ORDER BY key";

/// `WHERE true` tells SQLite's parser that `ON CONFLICT` is the upsert, not a join constraint.
const BUMP_LIST_VERSIONS: &str = "INSERT INTO task_list_versions (owner_id, version) \
    SELECT value, count(*) FROM json_each(?1) WHERE true GROUP BY value ORDER BY value \
    ON CONFLICT (owner_id) DO UPDATE SET version = version + excluded.version";

const INSERT_OUTBOX: &str = "INSERT INTO outbox (event_id, event_type, topic, partition_key, event_data, created_at) \
    SELECT value->>'id', value->>'type', value->>'topic', value->>'key', value->>'data', value->>'at' \
    FROM json_each(?1) ORDER BY key";

/// A create and who makes it.
pub(super) struct Create {
    ctx: WriteContext,
    new: NewTask,
}

/// Creates waiting to share a transaction.
#[derive(Debug, Default)]
pub(super) struct CreateBatcher {
    batches: Batches<Create, Task>,
}

impl CreateBatcher {
    /// Creates `new` for `ctx`'s user in a batch with whatever else waits.
    pub(super) async fn create(&self, writer: &SqlitePool, ctx: &WriteContext, new: NewTask) -> Result<Task> {
        let writer = writer.clone();
        let create = Create { ctx: ctx.clone(), new };
        self.batches
            .submit(create, &SHAPE, move |batch| write(writer.clone(), batch))
            .await
    }
}

/// Writes a batch and answers each of its creates with its task.
async fn write(writer: SqlitePool, batch: Vec<Waiting<Create, Task>>) {
    write_together_or_alone(batch, &writer, |writer, creates| Box::pin(insert(writer, creates))).await;
}

/// Writes `creates` in one transaction; their tasks, in order.
async fn insert(writer: &SqlitePool, creates: &[&Create]) -> std::result::Result<Vec<Task>, sqlx::Error> {
    let mut tx = writer.begin_with("BEGIN IMMEDIATE").await?;
    let last: i64 = sqlx::query_scalar(LAST_ID).fetch_one(&mut *tx).await?;
    let mutations: Vec<Mutation> = creates
        .iter()
        .zip(last + 1..)
        .map(|(c, id)| Mutation::created(c.new.clone().into_task(id, &c.ctx.user_id, c.ctx.now), &c.ctx))
        .collect();
    let tasks: Vec<Value> = mutations.iter().map(task_values).collect();
    let owners: Vec<&str> = mutations.iter().map(|m| m.task.owner_id.as_str()).collect();
    let events: Vec<Value> = mutations
        .iter()
        .flat_map(|m| m.events.iter().map(OutboxColumns::of))
        .map(|row| {
            json!({
                "id": row.event_id,
                "type": row.event_type,
                "topic": row.topic,
                "key": row.partition_key,
                "data": row.data,
                "at": micros(row.at),
            })
        })
        .collect();
    let tasks = Value::from(tasks).to_string();
    for (sql, values) in [
        (INSERT_TASKS, &tasks),
        (INSERT_HISTORY, &tasks),
        (BUMP_LIST_VERSIONS, &json!(owners).to_string()),
        (INSERT_OUTBOX, &Value::from(events).to_string()),
    ] {
        sqlx::query(sql).bind(values).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(mutations.into_iter().map(|m| m.task).collect())
}

/// A created task's row and history values, as the statements read them.
fn task_values(m: &Mutation) -> Value {
    let t = &m.task;
    json!({
        "id": t.id,
        "owner_id": t.owner_id,
        "title": t.title,
        "title_key": title_key(&t.title),
        "description": t.description,
        "priority": t.priority.rank(),
        "tags": tags_json(&t.tags),
        "due_at": t.due_at.map(micros),
        "remind": t.remind_before_minutes,
        "recurrence": t.recurrence,
        "at": micros(t.created_at),
        "series_id": t.series_id,
        "occurrence": t.occurrence,
        "changes": m.changes_document().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;
    use todo_domain::{Priority, TaskDraft};

    fn create(user: &str, title: &str) -> Create {
        let draft = TaskDraft {
            title: "placeholder".into(),
            tags: vec!["batch".into()],
            ..TaskDraft::default()
        };
        let new = NewTask {
            title: title.into(),
            priority: Priority::High,
            ..draft.validate().expect("valid draft")
        };
        Create {
            ctx: WriteContext::new(user, "/functions/task-api", todo_events::EventMetadata::default()),
            new,
        }
    }

    #[tokio::test]
    async fn a_refused_batch_answers_each_create_alone() {
        // Arrange: the middle create breaks the title's CHECK constraint (it skipped validation),
        // which fails the whole batch.
        let db = todo_testing::TestDatabase::sqlite();
        let store = super::super::SqliteTaskStore::connect(db.url()).await.expect("store");
        let too_long = "x".repeat(300);
        let (batch, answers): (Vec<Waiting<Create, Task>>, Vec<_>) = [
            create("alice", "one"),
            create("alice", &too_long),
            create("bob", "three"),
        ]
        .into_iter()
        .map(|item| {
            let (answer, answered) = tokio::sync::oneshot::channel();
            (Waiting { item, answer }, answered)
        })
        .unzip();
        // Act
        write(store.writer.clone(), batch).await;
        // Assert: the others were written, each with its history, event and list version.
        let mut written = Vec::new();
        for (answer, expected) in answers.into_iter().zip([Some("one"), None, Some("three")]) {
            let answer = answer.await.expect("answered");
            match expected {
                Some(title) => {
                    let task = answer.expect("written");
                    assert_eq!(task.title, title);
                    written.push(task);
                }
                None => assert!(matches!(answer, Err(Error::Database(sqlx::Error::Database(_))))),
            }
        }
        let counts: (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM tasks), (SELECT count(*) FROM task_history), (SELECT count(*) FROM outbox)",
        )
        .fetch_one(&store.writer)
        .await
        .expect("counts");
        assert_eq!(counts, (2, 2, 2));
        for task in written {
            let stored = crate::store::TaskStore::get(&store, &task.owner_id, task.id)
                .await
                .expect("get");
            assert_eq!(stored, task);
        }
    }
}
