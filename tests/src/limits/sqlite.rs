//! A batch of creates into SQLite in one `BEGIN IMMEDIATE` transaction, one multi-row `INSERT`
//! per table, on a connection opened with the store's pragmas (`todo_db::sqlite::options`: WAL,
//! synchronous NORMAL, foreign keys). The FTS trigger on `tasks` runs as it does for the store.
//! Times are microseconds and tags a JSON array, as the store keeps them.

use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use todo_db::time::micros;

use super::rows::owner_counts;
use todo_tasks::store::CreateRow;

/// Writes `batch` (tasks, history, outbox, list versions) in one transaction.
///
/// # Errors
/// What SQLite answers.
pub async fn write(conn: &mut SqliteConnection, batch: &[&CreateRow]) -> sqlx::Result<()> {
    sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut *conn).await?;
    let mut tasks = QueryBuilder::<Sqlite>::new(
        "INSERT INTO tasks (id, owner_id, title, title_key, description, priority, tags, due_at, \
         remind_before_minutes, recurrence, status, created_at, updated_at, version, series_id, occurrence) ",
    );
    tasks.push_values(batch, |mut row, c| {
        row.push_bind(c.id)
            .push_bind(&c.owner_id)
            .push_bind(&c.title)
            .push_bind(&c.title_key)
            .push_bind(&c.description)
            .push_bind(c.priority)
            .push_bind(c.tags_json())
            .push_bind(c.due_at.map(micros))
            .push_bind(c.remind)
            .push_bind(&c.recurrence)
            .push("'pending'")
            .push_bind(micros(c.at))
            .push_bind(micros(c.at))
            .push("1")
            .push_bind(c.series_id)
            .push_bind(c.occurrence);
    });
    tasks.build().execute(&mut *conn).await?;
    let mut history = QueryBuilder::<Sqlite>::new(
        "INSERT INTO task_history (task_id, owner_id, actor_id, action, changes, version, at) ",
    );
    history.push_values(batch, |mut row, c| {
        row.push_bind(c.id)
            .push_bind(&c.owner_id)
            .push_bind(&c.owner_id)
            .push("'created'")
            .push_bind(&c.changes)
            .push("1")
            .push_bind(micros(c.at));
    });
    history.build().execute(&mut *conn).await?;
    let mut outbox = QueryBuilder::<Sqlite>::new(
        "INSERT INTO outbox (event_id, event_type, topic, partition_key, event_data, created_at) ",
    );
    outbox.push_values(batch.iter().flat_map(|c| &c.events), |mut row, e| {
        row.push_bind(&e.event_id)
            .push_bind(e.event_type)
            .push_bind(e.topic)
            .push_bind(&e.partition_key)
            .push_bind(&e.data)
            .push_bind(micros(e.at));
    });
    outbox.build().execute(&mut *conn).await?;
    // `WHERE true` is not needed with VALUES: the upsert follows a VALUES list directly.
    let mut versions = QueryBuilder::<Sqlite>::new("INSERT INTO task_list_versions (owner_id, version) ");
    versions.push_values(owner_counts(batch), |mut row, (owner, count)| {
        row.push_bind(owner).push_bind(count);
    });
    versions.push(" ON CONFLICT (owner_id) DO UPDATE SET version = version + excluded.version");
    versions.build().execute(&mut *conn).await?;
    sqlx::raw_sql("COMMIT").execute(&mut *conn).await?;
    Ok(())
}
