//! The engine's state and the decisions people take: approve and reject. Proposing is in
//! `propose.rs`, the executor's side (ready, report) and the passing of time (tick) in `execute.rs`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::audit::{AuditEntry, AuditEvent, Step};
use super::error::RemediationError;
use super::playbook::Playbook;
use super::record::{ActionRecord, ActionStatus};
use super::settings::{Mode, RemediationSettings};
use crate::correlation::MaintenanceWindow;

/// Everything the engine learnt, to persist between runs of the `aiops` function (which may be
/// scaled to zero): restore it with [`RemediationEngine::from_snapshot`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub mode: Mode,
    /// The number in the next `act-<n>`.
    pub next_id: u64,
    /// Oldest first.
    pub records: Vec<ActionRecord>,
    /// Replicas per function as last scaled by an action or reported by the function.
    pub replicas: BTreeMap<String, u32>,
    pub maintenance: Vec<MaintenanceWindow>,
}

/// Proposes, guards and follows remediation actions; see the module notes.
#[derive(Debug, Clone)]
pub struct RemediationEngine {
    pub(super) settings: RemediationSettings,
    pub(super) playbooks: Vec<Playbook>,
    pub(super) state: Snapshot,
}

impl RemediationEngine {
    /// An engine in dry-run mode with no history.
    pub fn new(settings: RemediationSettings, playbooks: Vec<Playbook>) -> Self {
        Self::from_snapshot(settings, playbooks, Snapshot::default())
    }

    /// An engine that goes on from `snapshot`.
    pub fn from_snapshot(settings: RemediationSettings, playbooks: Vec<Playbook>, snapshot: Snapshot) -> Self {
        Self {
            settings,
            playbooks,
            state: snapshot,
        }
    }

    /// The state to persist.
    pub fn snapshot(&self) -> Snapshot {
        self.state.clone()
    }

    pub fn mode(&self) -> Mode {
        self.state.mode
    }

    /// Switches mode; records already made keep their status (a dry run is not replayed).
    pub fn set_mode(&mut self, mode: Mode) {
        self.state.mode = mode;
    }

    pub fn settings(&self) -> &RemediationSettings {
        &self.settings
    }

    pub fn playbooks(&self) -> &[Playbook] {
        &self.playbooks
    }

    /// Replaces the playbooks; records keep the names of those that proposed them.
    pub fn set_playbooks(&mut self, playbooks: Vec<Playbook>) {
        self.playbooks = playbooks;
    }

    /// Every record kept, oldest first.
    pub fn records(&self) -> &[ActionRecord] {
        &self.state.records
    }

    /// The record with this id.
    pub fn record(&self, id: &str) -> Option<&ActionRecord> {
        self.state.records.iter().find(|r| r.id == id)
    }

    /// Tells the engine how many replicas `function` runs (the base of the next scale-up).
    pub fn set_replicas(&mut self, function: &str, replicas: u32) {
        self.state.replicas.insert(function.to_owned(), replicas);
    }

    /// The replicas `function` runs as far as the engine knows: 1 when never told.
    pub fn replicas(&self, function: &str) -> u32 {
        self.state.replicas.get(function).copied().unwrap_or(1)
    }

    /// No action touches the window's components while it lasts. Give the correlator the same
    /// window: it keeps their signals out of incidents, the engine keeps actions off them.
    pub fn add_maintenance(&mut self, window: MaintenanceWindow) {
        self.state.maintenance.push(window);
    }

    /// A destructive action awaiting approval may now run (`POST /api/aiops/actions/{id}/approve`).
    ///
    /// # Errors
    /// An unknown id, an empty `approver`, or an action that is not awaiting approval.
    pub fn approve(&mut self, id: &str, approver: &str, now: DateTime<Utc>) -> Result<Step, RemediationError> {
        self.decide(
            id,
            approver,
            now,
            "approve",
            &[ActionStatus::AwaitingApproval],
            |record| {
                record.status = ActionStatus::Approved;
                (
                    AuditEvent::Approved,
                    format!("{} approved by {approver}", record.action),
                )
            },
        )
    }

    /// An action that has not run yet never will.
    ///
    /// # Errors
    /// An unknown id, an empty name, or an action that already ran or was decided.
    pub fn reject(&mut self, id: &str, by: &str, now: DateTime<Utc>) -> Result<Step, RemediationError> {
        let pending = [
            ActionStatus::AwaitingApproval,
            ActionStatus::Approved,
            ActionStatus::Proposed,
        ];
        self.decide(id, by, now, "reject", &pending, |record| {
            record.status = ActionStatus::Rejected;
            record.reason = format!("rejected by {by}");
            (AuditEvent::Rejected, format!("{} rejected by {by}", record.action))
        })
    }

    /// Applies a person's decision to a record in one of the `allowed` statuses.
    fn decide(
        &mut self,
        id: &str,
        by: &str,
        now: DateTime<Utc>,
        operation: &'static str,
        allowed: &[ActionStatus],
        change: impl FnOnce(&mut ActionRecord) -> (AuditEvent, String),
    ) -> Result<Step, RemediationError> {
        if by.trim().is_empty() {
            return Err(RemediationError::Anonymous);
        }
        let record = self.record_mut(id)?;
        if !allowed.contains(&record.status) {
            return Err(RemediationError::Conflict {
                id: id.to_owned(),
                operation,
                status: record.status,
            });
        }
        let (event, detail) = change(record);
        record.decided_by = Some(by.to_owned());
        record.decided_at = Some(now);
        let mut step = Step::default();
        step.push(record, AuditEntry::of(record, event, by, detail, now));
        Ok(step)
    }

    pub(super) fn record_mut(&mut self, id: &str) -> Result<&mut ActionRecord, RemediationError> {
        self.state
            .records
            .iter_mut()
            .find(|r| r.id == id)
            .ok_or_else(|| RemediationError::UnknownAction(id.to_owned()))
    }

    /// Stores a new record under the next id and returns its index.
    pub(super) fn insert(&mut self, mut record: ActionRecord) -> usize {
        self.state.next_id += 1;
        record.id = format!("act-{}", self.state.next_id);
        self.state.records.push(record);
        self.state.records.len() - 1
    }

    /// The window that keeps actions off `function` at `now`.
    pub(super) fn maintenance_of(&self, function: &str, now: DateTime<Utc>) -> Option<&MaintenanceWindow> {
        self.state.maintenance.iter().find(|w| w.covers(function, now))
    }
}
