//! A database made before the read model had migrations already holds its tables, created at
//! connect by the same `CREATE ... IF NOT EXISTS` statements: connecting migrates it in place.

use chrono::NaiveDate;
use sqlx::Connection;
use todo_testing::TestDatabase;

use crate::range::DayRange;

/// One counter, as the read model of before the migrations left it.
const OLD_ROW: &str = "INSERT INTO analytics_counters (user_id, day, metric, key, count) \
    VALUES ('alice', '2026-01-02', 'sessions', '', 3)";

const ROWS: &str = "SELECT count(*) FROM analytics_counters";

const MARKED: &str = "SELECT count(*) FROM _sqlx_migrations WHERE version = 2000 AND success";

/// Runs `statements` on the database at `url`, then the count query `count`.
async fn run(url: &str, statements: &'static str, count: &'static str) -> i64 {
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
        sqlx::raw_sql(statements).execute(&mut conn).await.expect("statements");
        sqlx::query_scalar(count).fetch_one(&mut conn).await.expect("count")
    } else {
        let options = todo_db::sqlite::options(url).expect("a SQLite URL");
        let mut conn = sqlx::SqliteConnection::connect_with(&options).await.expect("connect");
        sqlx::raw_sql(statements).execute(&mut conn).await.expect("statements");
        sqlx::query_scalar(count).fetch_one(&mut conn).await.expect("count")
    }
}

async fn an_old_database_keeps_its_rows_and_is_marked_migrated(db: TestDatabase, old_schema: &'static str) {
    // Arrange
    run(db.url(), old_schema, ROWS).await;
    assert_eq!(run(db.url(), OLD_ROW, ROWS).await, 1);

    // Act: twice, as a second replica or a restart would.
    super::connect(db.url()).await.expect("first connect");
    let model = super::connect(db.url()).await.expect("second connect");

    // Assert
    let day = NaiveDate::from_ymd_opt(2026, 1, 2).expect("a day");
    let counters = model
        .counters("alice", &DayRange { first: day, last: day })
        .await
        .expect("counters");
    assert_eq!(counters.len(), 1, "{counters:?}");
    assert_eq!(counters[0].count, 3);
    assert_eq!(
        run(db.url(), "SELECT 1", MARKED).await,
        1,
        "version 2000 is recorded once"
    );
}

#[tokio::test]
async fn an_old_postgres_database_keeps_its_rows_and_is_marked_migrated() {
    let old_schema = include_str!("../../migrations/postgres/2000_read_model.sql");
    an_old_database_keeps_its_rows_and_is_marked_migrated(TestDatabase::postgres().await, old_schema).await;
}

#[tokio::test]
async fn an_old_sqlite_database_keeps_its_rows_and_is_marked_migrated() {
    let old_schema = include_str!("../../migrations/sqlite/2000_read_model.sql");
    an_old_database_keeps_its_rows_and_is_marked_migrated(TestDatabase::sqlite(), old_schema).await;
}
