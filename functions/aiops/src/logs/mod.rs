//! Where the log watch reads the platform's warnings and errors from: the [`LogSource`] trait and
//! two sources: [`LokiSource`] (the cluster's Loki, which Alloy fills from every pod, through its
//! query API) and [`TapSource`] (this process's own lines, kept by `todo_kit::telemetry::tap`, for
//! `todo serve`, which runs no Loki).
//!
//! A source answers raw JSON lines, as the functions wrote them; `todo_aiops::logs` parses them,
//! mines their templates and finds the bursts ([`crate::watch`]).

mod loki;
mod streams;
mod tap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

pub use loki::{DEFAULT_QUERY, LokiSource};
pub use streams::parse_streams;
pub use tap::TapSource;

use crate::Result;

/// Log lines of a time span.
#[async_trait]
pub trait LogSource: Send + Sync + std::fmt::Debug {
    /// The warning and error lines stamped at or after `start` and before `end`, oldest first.
    ///
    /// # Errors
    /// The source cannot be reached or refuses the query.
    async fn fetch(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Vec<String>>;
}
