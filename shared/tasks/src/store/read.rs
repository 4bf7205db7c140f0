//! The read path both stores share: one task, a page of a list, a task's history, an owner's list
//! version. The engines differ only in how a value is bound and how a row decodes ([`Engine`]);
//! the SQL is the same text (`$n` placeholders, which both drivers number alike; the list query is
//! built by [`list_sql`]).

use sqlx::error::BoxDynError;
use sqlx::{Database, Executor, FromRow, IntoArguments, Pool};

use super::list_sql::{Dialect, SqlValue, list_sql, task_columns};
use super::rows::into_page;
use crate::{Error, Result};
use todo_domain::query::{ListQuery, Page};
use todo_domain::{HistoryEntry, Task};

/// One live task of an owner: `$1` id, `$2` owner. Reads and the write transactions share it.
pub(crate) const SELECT_ONE: &str = concat!(
    "SELECT ",
    task_columns!(),
    " FROM tasks t WHERE t.id = $1 AND t.owner_id = $2 AND t.deleted_at IS NULL"
);

const SELECT_HISTORY: &str = "SELECT id, task_id, actor_id, action, changes, version, at FROM task_history \
                              WHERE task_id = $1 AND owner_id = $2 ORDER BY id";

const SELECT_LIST_VERSION: &str = "SELECT version FROM task_list_versions WHERE owner_id = $1";

/// `id` is the primary key, so this finds at most one row.
const SELECT_OTHER_OWNERS: &str = "SELECT id FROM tasks WHERE id = $1 AND owner_id <> $2";

/// A row of one integer column.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct Number(pub(crate) i64);

/// An engine the task tables live on, as far as reading them goes.
pub(crate) trait Engine: Database<Arguments: IntoArguments<Self>> + Sync
where
    for<'c> &'c mut Self::Connection: Executor<'c, Database = Self>,
{
    /// How the list query is written for this engine.
    const DIALECT: Dialect;

    /// A task row (`task_columns!()`) as this engine returns it.
    type TaskRow: for<'r> FromRow<'r, Self::Row> + TryInto<Task, Error = Error> + Send + Unpin;
    /// A `task_history` row.
    type HistoryRow: for<'r> FromRow<'r, Self::Row> + TryInto<HistoryEntry, Error = Error> + Send + Unpin;
    /// A row of one integer column ([`Number`]; named here so its decoding is known to work).
    type Number: for<'r> FromRow<'r, Self::Row> + Into<i64> + Send + Unpin;

    /// Adds `value` to `arguments` as this engine stores it.
    ///
    /// # Errors
    /// When the value cannot be encoded.
    fn bind(arguments: &mut Self::Arguments, value: SqlValue) -> std::result::Result<(), BoxDynError>;
}

impl From<Number> for i64 {
    fn from(number: Number) -> Self {
        number.0
    }
}

fn arguments<D: Engine>(values: impl IntoIterator<Item = SqlValue>) -> Result<D::Arguments>
where
    for<'c> &'c mut D::Connection: Executor<'c, Database = D>,
{
    let mut arguments = D::Arguments::default();
    for value in values {
        D::bind(&mut arguments, value).map_err(sqlx::Error::Encode)?;
    }
    Ok(arguments)
}

fn id_and_owner(id: i64, owner_id: &str) -> [SqlValue; 2] {
    [SqlValue::Int(id), SqlValue::Text(owner_id.to_owned())]
}

/// The caller's live task `id`.
///
/// # Errors
/// `NotFound` when the owner has no such live task.
pub(crate) async fn task<D: Engine>(pool: &Pool<D>, owner_id: &str, id: i64) -> Result<Task>
where
    for<'c> &'c mut D::Connection: Executor<'c, Database = D>,
{
    let row: Option<D::TaskRow> = sqlx::query_as_with(SELECT_ONE, arguments::<D>(id_and_owner(id, owner_id))?)
        .fetch_optional(pool)
        .await?;
    row.map(TryInto::try_into).transpose()?.ok_or(Error::NotFound(id))
}

/// One page of the owner's tasks as `query` asks.
pub(crate) async fn page<D: Engine>(pool: &Pool<D>, owner_id: &str, query: &ListQuery) -> Result<Page>
where
    for<'c> &'c mut D::Connection: Executor<'c, Database = D>,
{
    let sql = list_sql(D::DIALECT, owner_id, query);
    let text = match D::DIALECT {
        Dialect::Postgres => sql.numbered(),
        Dialect::Sqlite => sql.text,
    };
    let rows: Vec<D::TaskRow> = sqlx::query_as_with(sqlx::AssertSqlSafe(text), arguments::<D>(sql.values)?)
        .fetch_all(pool)
        .await?;
    let items = rows.into_iter().map(TryInto::try_into).collect::<Result<Vec<_>>>()?;
    Ok(into_page(items, query))
}

/// The changes of the caller's live task `id`, oldest first.
///
/// # Errors
/// `NotFound` when the owner has no such live task.
pub(crate) async fn history<D: Engine>(pool: &Pool<D>, owner_id: &str, id: i64) -> Result<Vec<HistoryEntry>>
where
    for<'c> &'c mut D::Connection: Executor<'c, Database = D>,
{
    task(pool, owner_id, id).await?;
    let rows: Vec<D::HistoryRow> = sqlx::query_as_with(SELECT_HISTORY, arguments::<D>(id_and_owner(id, owner_id))?)
        .fetch_all(pool)
        .await?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// The owner's list version as stored; 0 before the owner's first write.
pub(crate) async fn list_version<D: Engine>(pool: &Pool<D>, owner_id: &str) -> Result<i64>
where
    for<'c> &'c mut D::Connection: Executor<'c, Database = D>,
{
    let version: Option<D::Number> = sqlx::query_as_with(
        SELECT_LIST_VERSION,
        arguments::<D>([SqlValue::Text(owner_id.to_owned())])?,
    )
    .fetch_optional(pool)
    .await?;
    Ok(version.map_or(0, Into::into))
}

/// Whether task `id` exists (live or deleted) under an owner other than `owner_id`.
pub(crate) async fn owned_by_another<D: Engine>(pool: &Pool<D>, owner_id: &str, id: i64) -> Result<bool>
where
    for<'c> &'c mut D::Connection: Executor<'c, Database = D>,
{
    let found: Option<D::Number> =
        sqlx::query_as_with(SELECT_OTHER_OWNERS, arguments::<D>(id_and_owner(id, owner_id))?)
            .fetch_optional(pool)
            .await?;
    Ok(found.is_some())
}

/// A round trip to the database.
pub(crate) async fn ping<D: Engine>(pool: &Pool<D>) -> Result<()>
where
    for<'c> &'c mut D::Connection: Executor<'c, Database = D>,
{
    sqlx::raw_sql("SELECT 1").execute(pool).await?;
    Ok(())
}
