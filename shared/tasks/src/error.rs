//! One error type for the task crate, split by who is at fault: the caller (validation, not found,
//! stale version, bad cursor) or the system (database).

use serde::Serialize;

/// A result whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One invalid field, with a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The field's name as the API spells it (`title`, `tags[2]`, `due_at`).
    pub field: String,
    /// What is wrong and what would be accepted.
    pub message: String,
}

/// Every field error of one input, collected so the caller sees them all at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    /// Records one error against `field`.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// The errors, in the order they were found.
    pub fn as_slice(&self) -> &[FieldError] {
        &self.0
    }

    /// `Ok(value)` when nothing was recorded, else every recorded error.
    ///
    /// # Errors
    /// Returns `Error::Validation` with all errors when at least one was recorded.
    pub fn into_result<T>(self, value: T) -> Result<T> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(Error::Validation(self))
        }
    }

    /// True when no error was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
        f.write_str(&parts.join("; "))
    }
}

/// Everything that can go wrong in the task domain and its stores.
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
