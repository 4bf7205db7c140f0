//! What can go wrong with a backup or a restore, in words an operator can act on: a refused
//! restore says why (a checksum that does not match, a database that is not empty, a schema of
//! another version) before anything was written.

/// A backup, listing, pruning or restore failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database URL is neither `postgres://` nor `sqlite://` (or names an in-memory database).
    #[error("{0}")]
    Config(String),
    /// The database failed or refused a statement.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The object store failed (its own checksum check included).
    #[error("object store: {0}")]
    Store(#[from] todo_objects::ObjectStoreError),
    /// No backup of that id in the store.
    #[error("no backup '{id}' in {store}")]
    NotFound {
        /// The backup id asked for.
        id: String,
        /// Where it was looked for.
        store: String,
    },
    /// A manifest or part does not match its checksum, or a manifest cannot be read.
    #[error("backup '{id}' is damaged: {reason}; nothing was restored")]
    Corrupt {
        /// The backup.
        id: String,
        /// What does not match.
        reason: String,
    },
    /// The target database already holds data.
    #[error("the target database is not empty: {0}; restore only into an empty database")]
    NotEmpty(String),
    /// The target's schema (made by this version of the platform) differs from the backup's.
    #[error("the backup does not fit this version of the platform: {0}")]
    SchemaMismatch(String),
    /// The platform's own code could not create its tables in the target.
    #[error("creating the platform's tables: {0}")]
    Schema(String),
    /// A local file (SQLite's copy, its temporary files) could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Compressing or decompressing in a blocking task failed to finish.
    #[error("a background task stopped: {0}")]
    Join(#[from] tokio::task::JoinError),
}

/// The crate's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn io(path: impl AsRef<std::path::Path>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.as_ref().display().to_string();
        move |source| Self::Io { path, source }
    }
}

/// A URL of neither engine is the operator's configuration to fix.
impl From<todo_db::UnsupportedUrl> for Error {
    fn from(error: todo_db::UnsupportedUrl) -> Self {
        Self::Config(error.to_string())
    }
}
