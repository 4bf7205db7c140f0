//! `limits db`: how many creates per second the database of `DATABASE_URL` accepts when a client
//! does nothing but write their rows (task, history, outbox, list version; see [`rows`]) with the
//! batching freedom issue 23 grants: `LIMITS_BATCH` creates (default 32) per transaction.
//! `LIMITS_CREATES` creates (default 50,000, about what wrk's 10 s of creates write, so the tables
//! grow about as much: SQLite took 11,000 creates/s for 50,000 and 6,000 for 150,000 here).
//!
//! The database must be fresh: the store's own migrations are applied first
//! (`todo_tasks::store::connect`), so the tables, indexes, constraints and triggers are the
//! store's. Creates are spread over `LIMITS_USERS` owners (64, as wrk's create/64), and each
//! connection writes the creates of its own owners, so no two transactions wait on one list
//! version. PostgreSQL is tried at each connection count of `LIMITS_DB_CONNECTIONS` (default
//! `4,16,64`) with each method of `LIMITS_DB_METHODS` ([`Method`]; default `values`), the tables
//! emptied between tries, and the best is the limit; SQLite has one writer, so one connection.
//!
//! COPY is not in the default: through sqlx over TCP each COPY of a small batch waits about 40 ms
//! (its data and its CopyDone go out as two small writes, and sqlx leaves Nagle on, so the second
//! waits for the server's delayed ACK), which made it 12 times slower than VALUES on 8
//! connections and still slower on 64 (1,907 and 14,456 creates/s against 22,084 and 24,019).

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use sqlx::Connection;
use todo_db::Engine;

use super::postgres::{self, Method};
use super::rows;
use super::{env_list, env_or, sqlite};
use todo_tasks::store::CreateRow;

/// One try: its method, connections and rate.
#[derive(Debug, Clone, Copy)]
struct Try {
    method: &'static str,
    connections: usize,
    seconds: f64,
    per_second: f64,
}

/// Runs the limit and prints its line.
///
/// # Errors
/// When the database cannot be reached or refuses a write.
pub async fn run() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL").context("DATABASE_URL is not set")?;
    let count: usize = env_or("LIMITS_CREATES", 50_000);
    let batch: usize = env_or("LIMITS_BATCH", 32);
    let users: usize = env_or("LIMITS_USERS", 64);
    let engine = Engine::of_url(&url)?;
    // The store's migrations, on the fresh database.
    drop(todo_tasks::store::connect(&url).await.context("Failed to migrate")?);
    let built = Instant::now();
    let creates = Arc::new(rows::creates(count, users));
    eprintln!(
        "limits db: {count} creates built in {:.1} s",
        built.elapsed().as_secs_f64()
    );
    let mut tries = Vec::new();
    match engine {
        Engine::Postgres => {
            for connections in env_list("LIMITS_DB_CONNECTIONS", &[4, 16, 64]) {
                for method in methods()? {
                    empty_postgres(&url).await?;
                    let seconds = write_postgres(&url, &creates, users, connections, batch, method).await?;
                    tries.push(record(method.name(), connections, seconds, count));
                }
            }
        }
        Engine::Sqlite => {
            let seconds = write_sqlite(&url, &creates, batch).await?;
            tries.push(record("values", 1, seconds, count));
        }
    }
    let best = tries
        .iter()
        .copied()
        .max_by(|a, b| a.per_second.total_cmp(&b.per_second))
        .context("nothing was tried")?;
    let tried: Vec<String> = tries
        .iter()
        .map(|t| format!("{}/{}:{:.0}", t.method, t.connections, t.per_second))
        .collect();
    println!(
        "limits db engine={engine} creates_per_s={:.0} method={} connections={} batch={batch} users={users} creates={count} seconds={:.2} tried={}",
        best.per_second,
        best.method,
        best.connections,
        best.seconds,
        tried.join(",")
    );
    Ok(())
}

/// The PostgreSQL methods of `LIMITS_DB_METHODS` (`values`, `copy`; default `values`).
fn methods() -> anyhow::Result<Vec<Method>> {
    let named = std::env::var("LIMITS_DB_METHODS").unwrap_or_else(|_| "values".into());
    named
        .split(',')
        .map(|name| match name.trim() {
            "values" => Ok(Method::Values),
            "copy" => Ok(Method::Copy),
            other => anyhow::bail!("LIMITS_DB_METHODS: unknown method '{other}' (values, copy)"),
        })
        .collect()
}

fn record(method: &'static str, connections: usize, seconds: f64, count: usize) -> Try {
    let per_second = count as f64 / seconds;
    eprintln!("limits db: {method} on {connections} connections: {per_second:.0} creates/s ({seconds:.2} s)");
    Try {
        method,
        connections,
        seconds,
        per_second,
    }
}

/// The batches of connection `c` among `connections`: the creates of its owners, in order.
fn batches_of(creates: &[CreateRow], users: usize, connections: usize, c: usize, batch: usize) -> Vec<Vec<usize>> {
    let mine: Vec<usize> = (0..creates.len())
        .filter(|i| (i % users.max(1)) % connections == c)
        .collect();
    mine.chunks(batch.max(1)).map(<[usize]>::to_vec).collect()
}

/// Empties the store's tables and checkpoints, so each try starts as the first did.
async fn empty_postgres(url: &str) -> anyhow::Result<()> {
    let mut conn = sqlx::PgConnection::connect(url).await?;
    sqlx::raw_sql("TRUNCATE tasks, task_history, outbox, task_list_versions; CHECKPOINT")
        .execute(&mut conn)
        .await
        .context("Failed to empty the tables")?;
    Ok(())
}

/// Writes every create on `connections` connections at once; the seconds it took.
async fn write_postgres(
    url: &str,
    creates: &Arc<Vec<CreateRow>>,
    users: usize,
    connections: usize,
    batch: usize,
    method: Method,
) -> anyhow::Result<f64> {
    let mut opened = Vec::with_capacity(connections);
    for _ in 0..connections {
        opened.push(sqlx::PgConnection::connect(url).await?);
    }
    let started = Instant::now();
    let mut writers = tokio::task::JoinSet::new();
    for (c, mut conn) in opened.into_iter().enumerate() {
        let creates = creates.clone();
        let batches = batches_of(&creates, users, connections, c, batch);
        writers.spawn(async move {
            for indexes in batches {
                let batch: Vec<&CreateRow> = indexes.iter().map(|&i| &creates[i]).collect();
                postgres::write(&mut conn, &batch, method).await?;
            }
            anyhow::Ok(())
        });
    }
    while let Some(done) = writers.join_next().await {
        done??;
    }
    Ok(started.elapsed().as_secs_f64())
}

/// Writes every create through one writer connection; the seconds it took.
async fn write_sqlite(url: &str, creates: &[CreateRow], batch: usize) -> anyhow::Result<f64> {
    let mut conn = sqlx::SqliteConnection::connect_with(&todo_db::sqlite::options(url)?).await?;
    let started = Instant::now();
    let all: Vec<&CreateRow> = creates.iter().collect();
    for chunk in all.chunks(batch.max(1)) {
        sqlite::write(&mut conn, chunk).await?;
    }
    Ok(started.elapsed().as_secs_f64())
}
