//! A statement written once for both engines: SQL with `$n` placeholders and the values for them
//! as the store has them (a UUID, a time, a list of event types). The engine's [`Dialect::bind`]
//! turns each into what it stores, so the store's code never names an engine's column types.

use chrono::{DateTime, Utc};
use sqlx::{Arguments, FromRow};
use uuid::Uuid;

use super::dialect::Dialect;
use crate::Result;

/// Declares [`Value`] and a `From` for each of its variants' types.
macro_rules! values {
    ($($(#[$doc:meta])* $variant:ident($type:ty),)*) => {
        /// A value bound to a placeholder.
        #[derive(Debug, Clone)]
        pub(crate) enum Value {
            $($(#[$doc])* $variant($type),)*
        }

        $(impl From<$type> for Value {
            fn from(value: $type) -> Self {
                Self::$variant(value)
            }
        })*
    };
}

values! {
    Id(Uuid),
    MaybeId(Option<Uuid>),
    Text(String),
    MaybeText(Option<String>),
    Time(DateTime<Utc>),
    MaybeTime(Option<DateTime<Utc>>),
    /// A list of event types.
    List(Vec<String>),
    Int(i64),
    Int32(i32),
    MaybeInt32(Option<i32>),
}

impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Self::Text(value.to_owned())
    }
}

impl From<&String> for Value {
    fn from(value: &String) -> Self {
        Self::Text(value.clone())
    }
}

impl From<&Option<String>> for Value {
    fn from(value: &Option<String>) -> Self {
        Self::MaybeText(value.clone())
    }
}

impl From<usize> for Value {
    /// A row count or limit (as `BIGINT`).
    fn from(value: usize) -> Self {
        Self::Int(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

/// SQL and the values of its placeholders, `$1` first.
#[derive(Debug)]
pub(crate) struct Statement {
    sql: &'static str,
    values: Vec<Value>,
}

impl Statement {
    pub(crate) fn new(sql: &'static str) -> Self {
        Self {
            sql,
            values: Vec::new(),
        }
    }

    /// Adds the value of the next placeholder.
    pub(crate) fn bind(mut self, value: impl Into<Value>) -> Self {
        self.values.push(value.into());
        self
    }

    fn arguments<D: Dialect>(self) -> Result<(&'static str, D::Arguments)> {
        let mut arguments = D::Arguments::default();
        arguments.reserve(self.values.len(), 0);
        for value in self.values {
            D::bind(&mut arguments, value).map_err(sqlx::Error::Encode)?;
        }
        Ok((self.sql, arguments))
    }

    /// Runs the statement; the rows it changed.
    pub(crate) async fn execute<D: Dialect>(self, conn: &mut D::Connection) -> Result<u64> {
        let (sql, arguments) = self.arguments::<D>()?;
        let result = sqlx::query_with(sql, arguments).execute(D::executor(conn)).await?;
        Ok(D::rows_affected(&result))
    }

    /// Every row the statement returns.
    pub(crate) async fn fetch_all<D, R>(self, conn: &mut D::Connection) -> Result<Vec<R>>
    where
        D: Dialect,
        R: for<'r> FromRow<'r, D::Row> + Send + Unpin,
    {
        let (sql, arguments) = self.arguments::<D>()?;
        Ok(sqlx::query_as_with(sql, arguments).fetch_all(D::executor(conn)).await?)
    }

    /// The row the statement returns, if any.
    pub(crate) async fn fetch_optional<D, R>(self, conn: &mut D::Connection) -> Result<Option<R>>
    where
        D: Dialect,
        R: for<'r> FromRow<'r, D::Row> + Send + Unpin,
    {
        let (sql, arguments) = self.arguments::<D>()?;
        Ok(sqlx::query_as_with(sql, arguments)
            .fetch_optional(D::executor(conn))
            .await?)
    }
}
