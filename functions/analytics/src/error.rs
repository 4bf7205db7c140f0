//! The crate's one error type. Handlers turn it into a retry decision and routes into
//! problem+json, so the variants are split by what the caller can do about them.

use todo_kit::bus::BusError;

/// What can go wrong in the read model, its rebuild or its setup.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database failed or cannot be reached; the same call may succeed later.
    #[error("read model database failed: {0}")]
    Database(#[from] sqlx::Error),
    /// A row of the read model cannot be read back (a bug, or a hand-edited table).
    #[error("corrupt read model: {0}")]
    Corrupt(String),
    /// The configuration names something this crate cannot use.
    #[error("bad configuration: {0}")]
    Config(String),
    /// The event bus failed during a rebuild.
    #[error(transparent)]
    Bus(#[from] BusError),
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
