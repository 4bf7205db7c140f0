//! From an incident to action records: which playbooks fire, whether the incident was already
//! acted on, and the guardrails in order (maintenance, hourly budget, dry run, approval).

use chrono::{DateTime, Utc};

use super::action::Action;
use super::audit::{AuditEntry, AuditEvent, ENGINE, Step};
use super::engine::RemediationEngine;
use super::playbook::{Playbook, secs};
use super::record::{ActionRecord, ActionStatus};
use super::settings::Mode;
use crate::correlation::{Incident, IncidentStatus};

impl RemediationEngine {
    /// The actions the playbooks call for on an open incident, at most one per playbook. A
    /// playbook that already acted on the incident does not again, unless its
    /// `repeat_after_secs` has passed since that action finished (escalation); one whose last
    /// record was blocked is tried again, and recorded only if it is no longer blocked.
    pub fn propose(&mut self, incident: &Incident, now: DateTime<Utc>) -> Step {
        let mut step = Step::default();
        if incident.status != IncidentStatus::Open {
            return step;
        }
        for playbook in self.playbooks.clone() {
            let Some(signal) = playbook.matching_signal(incident, now) else {
                continue;
            };
            let previous = self.previous(&incident.id, &playbook.name);
            if !may_act_again(previous, &playbook, now) {
                continue;
            }
            let was_blocked = previous.is_some_and(|p| p.status == ActionStatus::Blocked);
            let function = signal.component.as_str();
            let why = format!(
                "{} on {function}, root cause {} (playbook {})",
                signal.describe(),
                incident.root_cause.component,
                playbook.name
            );
            let action = playbook.action.action(function, self.replicas(function));
            let (status, decision) = if action.is_noop() {
                let reason = format!("blocked: {function} already runs as many replicas as the playbook allows");
                (ActionStatus::Blocked, reason)
            } else {
                self.admit(&action, now)
            };
            if status == ActionStatus::Blocked && was_blocked {
                continue;
            }
            let mut record = ActionRecord::new(String::new(), &incident.id, Some(&playbook.name), action, now);
            record.status = status;
            record.reason = format!("{why}; {decision}");
            let index = self.insert(record);
            let record = &self.state.records[index];
            let detail = format!("{}: {}", record.action, record.reason);
            step.push(record, AuditEntry::of(record, event_of(status), ENGINE, detail, now));
        }
        step
    }

    /// The status a new action gets, and why: the guardrails in order.
    pub(super) fn admit(&self, action: &Action, now: DateTime<Utc>) -> (ActionStatus, String) {
        let function = action.function();
        if let Some(window) = self.maintenance_of(function, now) {
            let until = window.until.format("%Y-%m-%d %H:%M:%S UTC");
            return (
                ActionStatus::Blocked,
                format!(
                    "blocked: {function} is under maintenance until {until} ({})",
                    window.reason
                ),
            );
        }
        if let Some(reason) = self.over_budget(function, now) {
            return (ActionStatus::Blocked, reason);
        }
        if self.state.mode == Mode::DryRun {
            let would = if action.is_destructive() {
                "would have waited for approval (destructive)"
            } else {
                "would have run at once"
            };
            return (ActionStatus::DryRun, format!("dry run: {would}"));
        }
        if action.is_destructive() {
            return (
                ActionStatus::AwaitingApproval,
                "destructive: waits for approval".to_owned(),
            );
        }
        (ActionStatus::Proposed, "ready for the executor".to_owned())
    }

    /// Why one more action on `function` would break the hourly budget, if it would. Actions
    /// count from when they ran (or were requested, if they have not run); rollbacks are free,
    /// and in dry-run mode dry-run records count as the actions they stand for.
    fn over_budget(&self, function: &str, now: DateTime<Utc>) -> Option<String> {
        let window = self.settings.budget_window();
        let dry_run = self.state.mode == Mode::DryRun;
        let spent: Vec<(&ActionRecord, DateTime<Utc>)> = self
            .state
            .records
            .iter()
            .filter(|r| r.rollback_of.is_none() && r.action.function() == function)
            .filter(|r| r.status.spends_budget() || (dry_run && r.status == ActionStatus::DryRun))
            .map(|r| (r, r.executed_at.unwrap_or(r.requested_at)))
            .filter(|(_, at)| *at > now - window)
            .collect();
        let max = self.settings.max_actions_per_function;
        if spent.len() < max {
            return None;
        }
        let ids: Vec<&str> = spent.iter().map(|(r, _)| r.id.as_str()).collect();
        let oldest = spent.iter().map(|(_, at)| *at).min().unwrap_or(now);
        Some(format!(
            "blocked: {} actions on {function} in the last {} min ({}), at most {max} allowed; next allowed at {}",
            spent.len(),
            self.settings.budget_window_secs / 60,
            ids.join(", "),
            (oldest + window).format("%Y-%m-%d %H:%M:%S UTC")
        ))
    }

    /// The latest record `playbook` made for `incident` that still counts: dry-run records do not
    /// once the engine acts for real.
    fn previous(&self, incident: &str, playbook: &str) -> Option<&ActionRecord> {
        let dry_run = self.state.mode == Mode::DryRun;
        self.state.records.iter().rev().find(|r| {
            r.incident_id == incident
                && r.playbook.as_deref() == Some(playbook)
                && (dry_run || r.status != ActionStatus::DryRun)
        })
    }
}

/// Whether `playbook` may act on an incident whose latest record from it is `previous`.
fn may_act_again(previous: Option<&ActionRecord>, playbook: &Playbook, now: DateTime<Utc>) -> bool {
    let Some(previous) = previous else {
        return true;
    };
    match previous.status {
        ActionStatus::Blocked => true,
        ActionStatus::Succeeded | ActionStatus::Failed | ActionStatus::RolledBack => playbook
            .repeat_after_secs
            .is_some_and(|after| previous.completed_at.unwrap_or(previous.requested_at) + secs(after) <= now),
        _ => false,
    }
}

/// The audit event of a new record with this status.
pub(super) fn event_of(status: ActionStatus) -> AuditEvent {
    match status {
        ActionStatus::DryRun => AuditEvent::DryRun,
        ActionStatus::AwaitingApproval => AuditEvent::AwaitingApproval,
        ActionStatus::Blocked => AuditEvent::Blocked,
        _ => AuditEvent::Proposed,
    }
}
