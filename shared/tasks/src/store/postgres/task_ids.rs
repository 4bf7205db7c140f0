//! Task ids taken from the `tasks` sequence a block at a time: a create needs its id before its
//! statement (the events carry it), and fetching one per create was a round trip of its own,
//! which on a small machine costs as much as the work. Ids stay unique and increase within one
//! process; ids of a block that a process did not use before it stopped are skipped, as a
//! sequence's ids always may be.

use std::collections::VecDeque;

use sqlx::PgPool;

/// How many ids one round trip takes.
const BLOCK: i64 = 64;

/// The ids this store took and has not used yet.
#[derive(Debug, Default)]
pub(super) struct TaskIds {
    unused: tokio::sync::Mutex<VecDeque<i64>>,
}

impl TaskIds {
    /// The next id, taking a new block from the sequence when none is left.
    pub(super) async fn next(&self, pool: &PgPool) -> Result<i64, sqlx::Error> {
        let mut unused = self.unused.lock().await;
        if let Some(id) = unused.pop_front() {
            return Ok(id);
        }
        let block: Vec<i64> = sqlx::query_scalar(
            "SELECT nextval(pg_get_serial_sequence('tasks', 'id')) FROM generate_series(1, $1) ORDER BY 1",
        )
        .bind(BLOCK)
        .fetch_all(pool)
        .await?;
        unused.extend(block);
        unused
            .pop_front()
            .ok_or_else(|| sqlx::Error::Protocol("the tasks sequence gave no ids".into()))
    }
}
