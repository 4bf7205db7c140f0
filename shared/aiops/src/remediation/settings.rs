//! The engine's guardrails and timings, with the defaults the issue names. Durations are whole
//! seconds so the settings read from JSON or environment variables as plain numbers.

use chrono::TimeDelta;
use serde::{Deserialize, Serialize};

use super::playbook::secs;

/// Whether the engine may act.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Record what would have happened; nothing is ever ready for the executor.
    #[default]
    DryRun,
    /// Act: non-destructive actions at once, destructive ones after approval.
    Auto,
}

/// Guardrails and timings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RemediationSettings {
    /// At most this many actions per function in any `budget_window_secs` (rollbacks are free).
    pub max_actions_per_function: usize,
    pub budget_window_secs: u64,
    /// How long after an action succeeded the incident has to clear before it is rolled back.
    pub verify_after_secs: u64,
    /// An action handed to the executor without a report for this long counts as failed.
    pub execution_timeout_secs: u64,
    /// How many finished records are kept beyond those the budget still needs.
    pub history: usize,
}

impl Default for RemediationSettings {
    fn default() -> Self {
        Self {
            max_actions_per_function: 3,
            budget_window_secs: 3600,
            verify_after_secs: 600,
            execution_timeout_secs: 900,
            history: 1000,
        }
    }
}

impl RemediationSettings {
    pub(crate) fn budget_window(&self) -> TimeDelta {
        secs(self.budget_window_secs)
    }

    pub(crate) fn verify_after(&self) -> TimeDelta {
        secs(self.verify_after_secs)
    }

    pub(crate) fn execution_timeout(&self) -> TimeDelta {
        secs(self.execution_timeout_secs)
    }
}
