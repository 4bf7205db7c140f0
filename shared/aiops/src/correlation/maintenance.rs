//! Maintenance windows: planned work on named components, during which their signals are
//! expected and must not open or join incidents.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Components under planned work from `from` until (not including) `until`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaintenanceWindow {
    pub components: BTreeSet<String>,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub reason: String,
}

impl MaintenanceWindow {
    /// A window over `components`.
    pub fn new<I, S>(components: I, from: DateTime<Utc>, until: DateTime<Utc>, reason: impl Into<String>) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            components: components.into_iter().map(Into::into).collect(),
            from,
            until,
            reason: reason.into(),
        }
    }

    /// Whether `component` is under maintenance at `at`.
    pub fn covers(&self, component: &str, at: DateTime<Utc>) -> bool {
        self.from <= at && at < self.until && self.components.contains(component)
    }
}
