//! The crate's one error type: what can go wrong reading a benchmark corpus or a series.

use std::path::PathBuf;

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a corpus, a series or a configuration could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A CSV row is not `timestamp,value`.
    #[error("{file}, line {line}: {reason}")]
    Csv { file: String, line: usize, reason: String },
    /// A JSON document (labels, profiles) does not have the expected shape.
    #[error("{file}: {reason}")]
    Json { file: String, reason: String },
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}
