//! Creates from concurrent requests share one statement. A create is the task row, its history
//! record, its list version and its outbox event; written alone, PostgreSQL spends most of its
//! time on what every statement costs (parse, executor start-up, commit, WAL flush) rather than
//! on the rows. Written sixteen at a time the same rows cost about a quarter of the CPU (pgbench
//! on this 2-core machine: 6,700 creates/s one per statement, 25,000/s sixteen per statement).
//!
//! Creates wait in a queue (`store::batches`); a few writers each take what waits and insert it
//! in one statement.
//!
//! A statement is atomic, so a batch commits whole or not at all. When PostgreSQL refuses a batch
//! (it reported an error, so nothing was written), each create is tried again alone and gets its
//! own answer; when the connection failed, the outcome is unknown and every create gets the error.

use sqlx::PgPool;

use crate::Result;
use crate::store::CreateRow;
use crate::store::batches::{Batches, Insert, Shape, Waiting, write_together_or_alone};

/// Two statements in flight at once (the pool keeps other connections for reads and updates),
/// each of at most 64 creates. Fewer writers make fuller batches: with four, creates by 64 users
/// through wrk averaged 4.3 per transaction, and PostgreSQL's time went to what every statement
/// costs (planning, executor start-up, commit); with two, 6 per transaction and 7,855 creates/s
/// at p99 14.8 ms against 6,941 at 19.0 ms (5,304 at 26.6 ms against 6,143 at 20.3 ms in a second
/// pair of runs, same machine); one writer made 7.4 per transaction but queued (7,137/s).
const SHAPE: Shape = Shape {
    writers: 2,
    max_batch: 64,
};

/// Inserts tasks with their history, list versions and events; a task whose id or place in its
/// series is taken is left out, with everything that belongs to it. Returns the inserted ids.
const CREATE_BATCH: &str = "WITH n AS (
    SELECT * FROM UNNEST($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int2[],
                         $7::text[], $8::timestamptz[], $9::int8[], $10::text[], $11::timestamptz[],
                         $12::text[], $13::int8[], $14::int8[])
        WITH ORDINALITY AS n(id, owner_id, title, title_key, description, priority, tags, due_at,
                             remind, recurrence, at, changes, series_id, occurrence, ord)
), t AS (
    INSERT INTO tasks (id, owner_id, title, title_key, description, priority, tags, due_at,
                       remind_before_minutes, recurrence, status, created_at, updated_at, version,
                       series_id, occurrence)
    SELECT id, owner_id, title, title_key, description, priority,
           ARRAY(SELECT jsonb_array_elements_text(tags::jsonb)), due_at, remind, recurrence,
           'pending', at, at, 1, series_id, occurrence
    FROM n ORDER BY ord
    ON CONFLICT DO NOTHING
    RETURNING id, owner_id
), h AS (
    INSERT INTO task_history (task_id, owner_id, actor_id, action, changes, version, at)
    SELECT n.id, n.owner_id, n.owner_id, 'created', n.changes::jsonb, 1, n.at
    FROM n JOIN t USING (id) ORDER BY n.ord
), v AS (
    -- Owners in one order, so two batches lock their list versions without a deadlock.
    INSERT INTO task_list_versions (owner_id, version)
    SELECT owner_id, count(*) FROM t GROUP BY owner_id ORDER BY owner_id
    ON CONFLICT (owner_id) DO UPDATE SET version = task_list_versions.version + EXCLUDED.version
), o AS (
    INSERT INTO outbox (event_id, event_type, topic, partition_key, event_data, created_at)
    SELECT e.id::uuid, e.type, e.topic, e.key, e.data::jsonb, e.at
    FROM UNNEST($15::int8[], $16::text[], $17::text[], $18::text[], $19::text[], $20::text[],
                $21::timestamptz[])
        WITH ORDINALITY AS e(task_id, id, type, topic, key, data, at, ord)
    JOIN t ON t.id = e.task_id
    ORDER BY e.ord
)
SELECT id FROM t";

/// Creates waiting to share a statement.
#[derive(Debug, Default)]
pub(super) struct CreateBatcher {
    batches: Batches<CreateRow, bool>,
}

impl CreateBatcher {
    /// Writes `row` (in a batch with whatever else waits); true when the task was inserted, false
    /// when its id or its place in its series was taken.
    pub(super) async fn insert(&self, pool: &PgPool, row: CreateRow) -> Result<bool> {
        let pool = pool.clone();
        self.batches
            .submit(row, &SHAPE, move |batch| write(pool.clone(), batch))
            .await
    }
}

/// Writes a batch and answers each of its creates: whether its task was inserted.
async fn write(pool: PgPool, batch: Vec<Waiting<CreateRow, bool>>) {
    write_together_or_alone(batch, &pool, inserted).await;
}

/// Whether each of `rows` was inserted (false: its id or its place in its series was taken).
fn inserted<'a>(pool: &'a PgPool, rows: &'a [&'a CreateRow]) -> Insert<'a, bool> {
    Box::pin(async move {
        let ids = insert_rows(pool, rows).await?;
        Ok(rows.iter().map(|row| ids.contains(&row.id)).collect())
    })
}

/// Runs [`CREATE_BATCH`] for `rows`; the ids it inserted.
async fn insert_rows(pool: &PgPool, rows: &[&CreateRow]) -> std::result::Result<Vec<i64>, sqlx::Error> {
    let events = || rows.iter().flat_map(|r| r.events.iter().map(move |e| (r.id, e)));
    sqlx::query_scalar(CREATE_BATCH)
        .bind(rows.iter().map(|r| r.id).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.owner_id.as_str()).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.title.as_str()).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.title_key.as_str()).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.description.as_deref()).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.priority).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.tags_json()).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.due_at).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.remind).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.recurrence.as_deref()).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.at).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.changes.as_str()).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.series_id).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.occurrence).collect::<Vec<_>>())
        .bind(events().map(|(task, _)| task).collect::<Vec<_>>())
        .bind(events().map(|(_, e)| e.event_id.as_str()).collect::<Vec<_>>())
        .bind(events().map(|(_, e)| e.event_type).collect::<Vec<_>>())
        .bind(events().map(|(_, e)| e.topic).collect::<Vec<_>>())
        .bind(events().map(|(_, e)| e.partition_key.as_deref()).collect::<Vec<_>>())
        .bind(events().map(|(_, e)| e.data.as_str()).collect::<Vec<_>>())
        .bind(events().map(|(_, e)| e.at).collect::<Vec<_>>())
        .fetch_all(pool)
        .await
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::Error;
    use crate::store::OutboxColumns;

    fn row(id: i64, priority: i16) -> CreateRow {
        let at = Utc::now();
        CreateRow {
            id,
            owner_id: "alice".into(),
            title: format!("task {id}"),
            title_key: format!("task {id}"),
            description: None,
            priority,
            tags: vec!["batch".into()],
            due_at: None,
            remind: None,
            recurrence: None,
            at,
            changes: "{}".into(),
            series_id: None,
            occurrence: None,
            events: vec![OutboxColumns {
                event_id: uuid::Uuid::new_v4().to_string(),
                event_type: "task.created",
                topic: "task-events",
                partition_key: Some(id.to_string()),
                data: "{}".into(),
                at,
            }],
        }
    }

    /// Rows in tasks, task_history and outbox.
    async fn counts(pool: &PgPool) -> (i64, i64, i64) {
        sqlx::query_as(
            "SELECT (SELECT count(*) FROM tasks), (SELECT count(*) FROM task_history), (SELECT count(*) FROM outbox)",
        )
        .fetch_one(pool)
        .await
        .expect("counts")
    }

    #[tokio::test]
    async fn a_refused_batch_answers_each_create_alone() {
        // Arrange: the middle create breaks a CHECK constraint, which fails its whole statement.
        let db = todo_testing::TestDatabase::postgres().await;
        let store = super::super::PostgresTaskStore::connect(db.url()).await.expect("store");
        let pool = store.pool.clone();
        let (batch, answers): (Vec<Waiting<CreateRow, bool>>, Vec<_>) = [row(1, 1), row(2, 9), row(3, 2)]
            .into_iter()
            .map(|item| {
                let (answer, answered) = tokio::sync::oneshot::channel();
                (Waiting { item, answer }, answered)
            })
            .unzip();
        // Act
        write(pool.clone(), batch).await;
        // Assert: the others were written with everything that belongs to them.
        let mut answers = answers.into_iter();
        for expected in [Some(true), None, Some(true)] {
            let answer = answers.next().expect("answer").await.expect("answered");
            match expected {
                Some(inserted) => assert_eq!(answer.expect("written"), inserted),
                None => assert!(matches!(answer, Err(Error::Database(sqlx::Error::Database(_))))),
            }
        }
        assert_eq!(counts(&pool).await, (2, 2, 2));
        let version: i64 = sqlx::query_scalar("SELECT version FROM task_list_versions WHERE owner_id = 'alice'")
            .fetch_one(&pool)
            .await
            .expect("version");
        assert_eq!(version, 2);
    }

    #[tokio::test]
    async fn a_create_whose_id_is_taken_writes_nothing_and_says_so() {
        let db = todo_testing::TestDatabase::postgres().await;
        let store = super::super::PostgresTaskStore::connect(db.url()).await.expect("store");
        let batcher = CreateBatcher::default();
        assert!(batcher.insert(&store.pool, row(7, 1)).await.expect("first"));
        assert!(!batcher.insert(&store.pool, row(7, 1)).await.expect("second"));
        assert_eq!(counts(&store.pool).await, (1, 1, 1));
    }
}
