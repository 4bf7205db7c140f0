//! What the domain refuses: invalid input (every bad field at once), a list query it cannot run,
//! or stored history it cannot read. The stores add what only I/O can say (not found, a stale
//! version, the database).

use serde::Serialize;

/// A result whose error is the domain's [`Error`].
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

/// Everything the task domain can refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The input broke one or more rules; nothing was written.
    #[error("invalid task: {0}")]
    Validation(FieldErrors),
    /// A list query parameter or cursor could not be used.
    #[error("invalid query: {0}")]
    InvalidQuery(String),
    /// Stored data could not be decoded (a bug or a manual edit of the database).
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}
