//! The crate's one error type. Callers branch on the variant: a full subscription list and a
//! missing row are answers for the client; database and outbox failures are ours (5xx, retry).

/// What went wrong in the notifier's storage or setup.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The owner already has the most subscriptions allowed.
    #[error("the subscription limit of {max} is reached")]
    LimitReached {
        /// The limit.
        max: usize,
    },
    /// A stored row cannot be read back (a bug or a hand-edited database).
    #[error("corrupt notifier data: {0}")]
    Corrupt(String),
    /// The database failed.
    #[error("database error")]
    Database(#[from] sqlx::Error),
    /// The task store (migrations, outbox) failed.
    #[error("task store error")]
    Tasks(#[from] todo_tasks::Error),
    /// The configuration cannot work (an unsupported DATABASE_URL, say).
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
