//! The audit trail: one entry per state change, which the `aiops` function logs and publishes as
//! a CloudEvent whose type is the entry's event (`remediation.approved`, ...).

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::record::ActionRecord;

/// The actor of decisions the engine takes by itself.
pub const ENGINE: &str = "remediation-engine";
/// The actor of outcomes (the executor reports them).
pub const EXECUTOR: &str = "executor";

/// What happened to an action; serialised as the CloudEvent type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditEvent {
    /// Accepted for execution (not destructive, auto mode).
    #[serde(rename = "remediation.proposed")]
    Proposed,
    #[serde(rename = "remediation.dry_run")]
    DryRun,
    #[serde(rename = "remediation.awaiting_approval")]
    AwaitingApproval,
    #[serde(rename = "remediation.approved")]
    Approved,
    #[serde(rename = "remediation.rejected")]
    Rejected,
    #[serde(rename = "remediation.blocked")]
    Blocked,
    /// Handed to the executor.
    #[serde(rename = "remediation.executing")]
    Executing,
    /// The executor reported success.
    #[serde(rename = "remediation.executed")]
    Executed,
    /// The executor reported failure, or never reported.
    #[serde(rename = "remediation.failed")]
    Failed,
    /// The verification period passed; the detail says whether the incident cleared.
    #[serde(rename = "remediation.verified")]
    Verified,
    /// The action's rollback succeeded (the entry is about the original action).
    #[serde(rename = "remediation.rolled_back")]
    RolledBack,
}

impl AuditEvent {
    /// The CloudEvent type, e.g. `remediation.approved`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Proposed => "remediation.proposed",
            Self::DryRun => "remediation.dry_run",
            Self::AwaitingApproval => "remediation.awaiting_approval",
            Self::Approved => "remediation.approved",
            Self::Rejected => "remediation.rejected",
            Self::Blocked => "remediation.blocked",
            Self::Executing => "remediation.executing",
            Self::Executed => "remediation.executed",
            Self::Failed => "remediation.failed",
            Self::Verified => "remediation.verified",
            Self::RolledBack => "remediation.rolled_back",
        }
    }
}

impl fmt::Display for AuditEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One state change of one action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub action_id: String,
    pub incident_id: String,
    pub event: AuditEvent,
    /// [`ENGINE`], [`EXECUTOR`] or the person who approved or rejected.
    pub actor: String,
    pub detail: String,
}

impl AuditEntry {
    /// An entry about `record`.
    pub(crate) fn of(record: &ActionRecord, event: AuditEvent, actor: &str, detail: String, at: DateTime<Utc>) -> Self {
        Self {
            at,
            action_id: record.id.clone(),
            incident_id: record.incident_id.clone(),
            event,
            actor: actor.to_owned(),
            detail,
        }
    }
}

/// What one call to the engine changed: the records it created or changed (as they are now) and
/// the audit entries, in order. From `ready`, `records` holds only the actions to run (an action
/// it blocked instead shows in `audit` alone).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub records: Vec<ActionRecord>,
    pub audit: Vec<AuditEntry>,
}

impl Step {
    /// Adds `record` as it is now, with its entry.
    pub(crate) fn push(&mut self, record: &ActionRecord, entry: AuditEntry) {
        if let Some(seen) = self.records.iter_mut().find(|r| r.id == record.id) {
            *seen = record.clone();
        } else {
            self.records.push(record.clone());
        }
        self.audit.push(entry);
    }

    /// The events in order (for tests and logs).
    pub fn events(&self) -> Vec<AuditEvent> {
        self.audit.iter().map(|e| e.event).collect()
    }
}
