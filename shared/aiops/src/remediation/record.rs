//! One proposed action and everything that happened to it; serialised as the routes return it
//! and as the snapshot keeps it (snake_case JSON).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::action::Action;

/// Where an action is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    /// Accepted, not destructive: the executor gets it from the next `ready`.
    Proposed,
    /// Dry-run mode: recorded with what would have happened, never executed.
    DryRun,
    /// Destructive: waits for `approve` or `reject`.
    AwaitingApproval,
    /// Approved: the executor gets it from the next `ready`.
    Approved,
    /// Handed to the executor; waits for its `report`.
    Executing,
    Succeeded,
    Failed,
    /// Succeeded, but the incident stayed open, and its rollback succeeded.
    RolledBack,
    /// Refused by a person, or dropped because its incident closed before it ran.
    Rejected,
    /// A guardrail stopped it (the reason says which).
    Blocked,
}

impl ActionStatus {
    /// Whether nothing more will happen to the action itself (a succeeded one may still be
    /// verified or rolled back).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Self::DryRun | Self::Succeeded | Self::Failed | Self::RolledBack | Self::Rejected | Self::Blocked
        )
    }

    /// Whether the action was or will be executed, so it counts against the hourly budget.
    pub(crate) fn spends_budget(self) -> bool {
        matches!(
            self,
            Self::Proposed
                | Self::AwaitingApproval
                | Self::Approved
                | Self::Executing
                | Self::Succeeded
                | Self::Failed
                | Self::RolledBack
        )
    }
}

/// What the executor reports after running an action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub ok: bool,
    /// What it did or why it failed, in the executor's words.
    pub detail: String,
}

impl Outcome {
    /// A success.
    pub fn ok(detail: impl Into<String>) -> Self {
        Self {
            ok: true,
            detail: detail.into(),
        }
    }

    /// A failure.
    pub fn failed(detail: impl Into<String>) -> Self {
        Self {
            ok: false,
            detail: detail.into(),
        }
    }
}

/// Whether the incident cleared within the verification period after the action succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub at: DateTime<Utc>,
    pub cleared: bool,
}

/// One action for one incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionRecord {
    /// `act-<n>`, counting up in one engine (and its snapshots).
    pub id: String,
    pub incident_id: String,
    /// The playbook that proposed it; `None` for a rollback.
    pub playbook: Option<String>,
    pub action: Action,
    pub status: ActionStatus,
    /// Why it has its status: the matched signal, the guardrail that blocked it, the failure.
    pub reason: String,
    pub requested_at: DateTime<Utc>,
    /// Who approved or rejected it.
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// When it was handed to the executor.
    pub executed_at: Option<DateTime<Utc>>,
    /// When the executor reported (or the engine gave up waiting).
    pub completed_at: Option<DateTime<Utc>>,
    pub outcome: Option<Outcome>,
    /// The action this one undoes.
    pub rollback_of: Option<String>,
    /// Set once the verification period after success has passed.
    pub verdict: Option<Verdict>,
}

impl ActionRecord {
    /// A new record with nothing decided yet.
    pub(crate) fn new(
        id: String,
        incident_id: &str,
        playbook: Option<&str>,
        action: Action,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            incident_id: incident_id.to_owned(),
            playbook: playbook.map(str::to_owned),
            action,
            status: ActionStatus::Proposed,
            reason: String::new(),
            requested_at: now,
            decided_by: None,
            decided_at: None,
            executed_at: None,
            completed_at: None,
            outcome: None,
            rollback_of: None,
            verdict: None,
        }
    }
}
