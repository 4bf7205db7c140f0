//! [`TapSource`]: this process's own warnings and errors, from `todo_kit::telemetry::tap`, for
//! `todo serve`, where aiops shares the process with the functions it watches.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use todo_kit::telemetry::tap::LogTap;

use super::LogSource;
use crate::Result;

/// Reads a [`LogTap`].
#[derive(Debug, Clone)]
pub struct TapSource {
    tap: Arc<LogTap>,
}

impl TapSource {
    /// A source over `tap`.
    pub fn new(tap: Arc<LogTap>) -> Self {
        Self { tap }
    }
}

#[async_trait]
impl LogSource for TapSource {
    async fn fetch(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Vec<String>> {
        Ok(self.tap.between(start, end))
    }
}
