//! One error type for the task stores, split by who is at fault: the caller (validation, not
//! found, stale version, bad cursor) or the system (database). The domain's refusals arrive here
//! unchanged, so a caller matches one enum whatever layer refused.

pub use todo_domain::{FieldError, FieldErrors};

/// A result whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in a task store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input broke one or more rules; nothing was written.
    #[error("invalid task: {0}")]
    Validation(FieldErrors),
    /// No task with this id belongs to the caller (another user's task looks the same).
    #[error("task {0} not found")]
    NotFound(i64),
    /// The caller edited an older version than the stored one.
    #[error("task {id} is at version {current}, not {expected}")]
    VersionConflict {
        /// The task.
        id: i64,
        /// The version the caller sent in `If-Match`.
        expected: i64,
        /// The version stored now.
        current: i64,
    },
    /// A list query parameter or cursor could not be used.
    #[error("invalid query: {0}")]
    InvalidQuery(String),
    /// The database failed or answered something unexpected.
    #[error("database error")]
    Database(#[from] sqlx::Error),
    /// Applying the migrations failed.
    #[error("migration failed")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// Stored data could not be decoded (a bug or a manual edit of the database).
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

impl Error {
    /// True when the database could not be reached in time: worth retrying, not a bug.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            Self::Database(sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_))
        )
    }
}

impl From<todo_domain::Error> for Error {
    fn from(error: todo_domain::Error) -> Self {
        match error {
            todo_domain::Error::Validation(errors) => Self::Validation(errors),
            todo_domain::Error::InvalidQuery(detail) => Self::InvalidQuery(detail),
            todo_domain::Error::Corrupt(detail) => Self::Corrupt(detail),
        }
    }
}

/// A stored time no clock can hold is stored data gone wrong.
impl From<todo_db::time::OutOfRange> for Error {
    fn from(error: todo_db::time::OutOfRange) -> Self {
        Self::Corrupt(error.to_string())
    }
}
