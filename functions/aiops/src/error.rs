//! The crate's one error type: what can go wrong reading the platform's metrics and logs. A source that
//! cannot be reached is worth retrying at the next watch; a refused or unreadable answer points at
//! a query or a server to fix, and is reported as such.

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a series could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The source did not answer (connection refused, timeout).
    #[error("cannot reach the metric or log source")]
    Unreachable(#[source] reqwest::Error),
    /// The source answered with an error of its own (Prometheus' `status: error`).
    #[error("the metric or log source refused the query with HTTP {status} ({error_type}): {message}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// Prometheus' `errorType`, e.g. `bad_data`, `timeout`, `execution`.
        error_type: String,
        /// Prometheus' `error`.
        message: String,
    },
    /// The answer is not the JSON the query API documents.
    #[error("the metric or log source answered something unreadable: {0}")]
    Malformed(String),
}

impl Error {
    /// Whether the next watch may succeed without anyone changing anything.
    #[must_use]
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Unreachable(_) => true,
            // 503 and Prometheus' own timeouts pass; a bad query does not.
            Self::Refused { status, error_type, .. } => *status >= 500 || error_type == "timeout",
            Self::Malformed(_) => false,
        }
    }
}
