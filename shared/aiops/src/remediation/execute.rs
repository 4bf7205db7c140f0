//! The executor's side of the protocol (`ready`, then `report`) and the passing of time (`tick`):
//! executions that never reported, actions whose incident closed before they ran, and the
//! verification that decides between "it helped" and a rollback.

use chrono::{DateTime, Utc};

use super::action::Action;
use super::audit::{AuditEntry, AuditEvent, ENGINE, EXECUTOR, Step};
use super::engine::RemediationEngine;
use super::error::RemediationError;
use super::propose::event_of;
use super::record::{ActionRecord, ActionStatus, Outcome, Verdict};
use super::settings::Mode;

impl RemediationEngine {
    /// The actions the executor should run now, marked executing: accepted ones and approved
    /// ones, oldest first. Nothing in dry-run mode. An action whose function went under maintenance
    /// since it was proposed is blocked instead; a rollback waits for the maintenance to end.
    pub fn ready(&mut self, now: DateTime<Utc>) -> Step {
        let mut step = Step::default();
        if self.state.mode == Mode::DryRun {
            return step;
        }
        for index in 0..self.state.records.len() {
            let record = &self.state.records[index];
            if !matches!(record.status, ActionStatus::Proposed | ActionStatus::Approved) {
                continue;
            }
            let window = self.maintenance_of(record.action.function(), now);
            let blocked = match window {
                Some(_) if record.rollback_of.is_some() => continue,
                Some(window) => Some(format!(
                    "blocked: {} went under maintenance before it ran ({})",
                    record.action.function(),
                    window.reason
                )),
                None => None,
            };
            let record = &mut self.state.records[index];
            let (event, actor, detail) = match blocked {
                Some(reason) => {
                    record.status = ActionStatus::Blocked;
                    record.reason = reason;
                    (
                        AuditEvent::Blocked,
                        ENGINE,
                        format!("{}: {}", record.action, record.reason),
                    )
                }
                None => {
                    record.status = ActionStatus::Executing;
                    record.executed_at = Some(now);
                    (
                        AuditEvent::Executing,
                        ENGINE,
                        format!("{}: handed to the executor", record.action),
                    )
                }
            };
            step.push(record, AuditEntry::of(record, event, actor, detail, now));
        }
        step.records.retain(|r| r.status == ActionStatus::Executing);
        step
    }

    /// Records what the executor did with an action `ready` handed out. A succeeded scale sets the
    /// function's replicas; a succeeded rollback marks the action it undid as rolled back.
    ///
    /// # Errors
    /// An unknown id, or an action that is not executing (reported twice, or never handed out).
    pub fn report(&mut self, id: &str, outcome: Outcome, now: DateTime<Utc>) -> Result<Step, RemediationError> {
        let record = self.record_mut(id)?;
        if record.status != ActionStatus::Executing {
            return Err(RemediationError::Conflict {
                id: id.to_owned(),
                operation: "report on",
                status: record.status,
            });
        }
        let (status, event) = if outcome.ok {
            (ActionStatus::Succeeded, AuditEvent::Executed)
        } else {
            (ActionStatus::Failed, AuditEvent::Failed)
        };
        record.status = status;
        record.completed_at = Some(now);
        let detail = format!("{}: {}", record.action, outcome.detail);
        record.outcome = Some(outcome);
        let mut step = Step::default();
        step.push(record, AuditEntry::of(record, event, EXECUTOR, detail, now));
        if status != ActionStatus::Succeeded {
            return Ok(step);
        }
        let (action, rollback_of) = (record.action.clone(), record.rollback_of.clone());
        if let Action::ScaleUp { function, to, .. } | Action::ScaleDown { function, to, .. } = &action {
            self.set_replicas(function, *to);
        }
        if let Some(original) = rollback_of {
            let original = self.record_mut(&original)?;
            original.status = ActionStatus::RolledBack;
            let detail = format!("{}: undone by {id} ({action})", original.action);
            step.push(
                original,
                AuditEntry::of(original, AuditEvent::RolledBack, ENGINE, detail, now),
            );
        }
        Ok(step)
    }

    /// Moves time to `now`, given the ids of the incidents still open: executions without a
    /// report for `execution_timeout_secs` fail; actions not run yet whose incident closed are
    /// dropped (rollbacks excepted: they undo something already done); and `verify_after_secs`
    /// after an action succeeded it is verified: cleared if its incident closed, otherwise its
    /// rollback is proposed like any action (dry run, approval) but outside the budget.
    pub fn tick<S: AsRef<str>>(&mut self, now: DateTime<Utc>, open_incidents: &[S]) -> Step {
        let is_open = |id: &str| open_incidents.iter().any(|o| o.as_ref() == id);
        let timeout = self.settings.execution_timeout();
        let verify_after = self.settings.verify_after();
        let mut step = Step::default();
        let mut rollbacks = Vec::new();
        for record in &mut self.state.records {
            let (event, detail) = match record.status {
                ActionStatus::Executing if record.executed_at.is_some_and(|at| at + timeout <= now) => {
                    let detail = format!("no report within {} s", timeout.num_seconds());
                    record.status = ActionStatus::Failed;
                    record.completed_at = Some(now);
                    record.outcome = Some(Outcome::failed(detail.clone()));
                    (AuditEvent::Failed, format!("{}: {detail}", record.action))
                }
                ActionStatus::Proposed | ActionStatus::AwaitingApproval | ActionStatus::Approved
                    if record.rollback_of.is_none() && !is_open(&record.incident_id) =>
                {
                    record.status = ActionStatus::Rejected;
                    record.decided_by = Some(ENGINE.to_owned());
                    record.decided_at = Some(now);
                    record.reason = format!("incident {} closed before the action ran", record.incident_id);
                    (AuditEvent::Rejected, format!("{}: {}", record.action, record.reason))
                }
                ActionStatus::Succeeded
                    if record.rollback_of.is_none()
                        && record.verdict.is_none()
                        && record.completed_at.is_some_and(|at| at + verify_after <= now) =>
                {
                    let cleared = !is_open(&record.incident_id);
                    record.verdict = Some(Verdict { at: now, cleared });
                    let rollback = record.action.rollback();
                    let detail = match (&rollback, cleared) {
                        (_, true) => "the incident cleared".to_owned(),
                        (Some(_), false) => "the incident is still open: rolling back".to_owned(),
                        (None, false) => "the incident is still open, and this action has no rollback".to_owned(),
                    };
                    if let (Some(rollback), false) = (rollback, cleared) {
                        rollbacks.push((record.id.clone(), record.incident_id.clone(), rollback));
                    }
                    (AuditEvent::Verified, format!("{}: {detail}", record.action))
                }
                _ => continue,
            };
            step.push(record, AuditEntry::of(record, event, ENGINE, detail, now));
        }
        for (original, incident, action) in rollbacks {
            self.propose_rollback(&mut step, &original, &incident, action, now);
        }
        self.prune(now);
        step
    }

    /// Records the rollback of `original`, guarded like any action but outside the budget and
    /// maintenance (it undoes what the engine did; `ready` holds it back during maintenance).
    fn propose_rollback(
        &mut self,
        step: &mut Step,
        original: &str,
        incident: &str,
        action: Action,
        now: DateTime<Utc>,
    ) {
        let (status, decision) = match (self.state.mode, action.is_destructive()) {
            (Mode::DryRun, _) => (ActionStatus::DryRun, "dry run: would have rolled back"),
            (Mode::Auto, true) => (ActionStatus::AwaitingApproval, "destructive: waits for approval"),
            (Mode::Auto, false) => (ActionStatus::Proposed, "ready for the executor"),
        };
        let mut record = ActionRecord::new(String::new(), incident, None, action, now);
        record.status = status;
        record.rollback_of = Some(original.to_owned());
        record.reason =
            format!("rollback of {original}: incident {incident} still open after verification; {decision}");
        let index = self.insert(record);
        let record = &self.state.records[index];
        let detail = format!("{}: {}", record.action, record.reason);
        step.push(record, AuditEntry::of(record, event_of(status), ENGINE, detail, now));
    }

    /// Forgets maintenance that is over and the oldest finished records beyond `history`, keeping
    /// those the budget or a verification still needs.
    fn prune(&mut self, now: DateTime<Utc>) {
        self.state.maintenance.retain(|w| w.until > now);
        let budget_start = now - self.settings.budget_window();
        let needed = |r: &ActionRecord| {
            !r.status.is_final()
                || r.requested_at > budget_start
                || r.executed_at.is_some_and(|at| at > budget_start)
                || (r.status == ActionStatus::Succeeded && r.verdict.is_none())
        };
        let mut excess = self.state.records.len().saturating_sub(self.settings.history);
        self.state.records.retain(|r| {
            if excess > 0 && !needed(r) {
                excess -= 1;
                false
            } else {
                true
            }
        });
    }
}
