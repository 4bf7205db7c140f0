//! The read model in PostgreSQL: the cluster's store, shared by every replica of the function.
//! Times are `TIMESTAMPTZ` and days `DATE`, both UTC; the facts row of a task is locked
//! (`FOR UPDATE`) while a change is merged into it, so two events of one task handled at once by
//! two replicas merge one after the other.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::migrate::Migrator;
use sqlx::postgres::PgPoolOptions;
use sqlx::{PgPool, Postgres};

use super::dialect::Dialect;
use super::model::{SqlReadModel, migrate, open};
use super::statements::{audit_page, daily_completed, daily_created, daily_deleted, retract, select_facts};
use crate::Result;

/// The read model in a PostgreSQL database.
pub type PostgresReadModel = SqlReadModel<Postgres>;

impl Dialect for Postgres {
    type Time = DateTime<Utc>;
    type Day = NaiveDate;

    fn migrator() -> Migrator {
        sqlx::migrate!("./migrations/postgres")
    }
    fn time(at: DateTime<Utc>) -> DateTime<Utc> {
        at
    }
    fn from_time(stored: DateTime<Utc>) -> Result<DateTime<Utc>> {
        Ok(stored)
    }
    fn day(day: NaiveDate) -> NaiveDate {
        day
    }
    fn from_day(stored: NaiveDate) -> Result<NaiveDate> {
        Ok(stored)
    }

    const BEGIN_WRITE: &'static str = "BEGIN";
    const LOCK_FOR_RESET: Option<&'static str> =
        Some("LOCK TABLE analytics_tasks, analytics_completions, analytics_counters IN ACCESS EXCLUSIVE MODE");
    const SELECT_FACTS: &'static str = select_facts!(" FOR UPDATE");
    const RETRACT: &'static str = retract!("LEAST");
    const BY_TAG: &'static str = "SELECT tag, COUNT(DISTINCT t.task_id) FROM analytics_tasks t \
        CROSS JOIN LATERAL jsonb_array_elements_text(t.tags::jsonb) AS tag \
        WHERE t.user_id = $1 AND t.status = 'pending' AND t.deleted_at IS NULL GROUP BY tag ORDER BY tag";
    const DAILY_CREATED: &'static str = daily_created!("(created_at AT TIME ZONE 'UTC')::date");
    const DAILY_DELETED: &'static str = daily_deleted!("(deleted_at AT TIME ZONE 'UTC')::date");
    const DAILY_COMPLETED: &'static str = daily_completed!("(completed_at AT TIME ZONE 'UTC')::date");
    const AUDIT_PAGE: &'static str =
        audit_page!("($1::TEXT IS NULL OR actor = $1) AND ($2::TIMESTAMPTZ IS NULL OR (at, id) < ($2, $3))");
}

impl PostgresReadModel {
    /// Connects to a `postgres://` URL and migrates the tables.
    ///
    /// # Errors
    /// When the database cannot be reached or a migration fails.
    pub async fn connect(url: &str) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await?;
        Self::new(pool).await
    }

    /// Uses an existing pool (e.g. the task store's, when they share a database) and migrates
    /// the tables.
    ///
    /// # Errors
    /// When a migration fails.
    pub async fn new(pool: PgPool) -> Result<Self> {
        migrate::<Postgres>(&pool).await?;
        open(pool.clone(), pool).await
    }
}
