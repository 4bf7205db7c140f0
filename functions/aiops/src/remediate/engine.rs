//! [`Remediation`]: the engine of `todo_aiops::remediation` behind a mutex, with the executor that
//! carries its actions out and the audit trail of every change.
//!
//! The protocol (`todo_aiops::remediation`'s module notes): each watch calls [`Remediation::follow`]
//! with the open incidents (`tick`, then `propose` for each; proposing again is harmless, and it
//! lets a trigger that needs a signal to have lasted fire once it has), then
//! [`Remediation::execute_ready`] (`ready` → executor → `report`), which an approval runs too.
//! Every [`AuditEntry`] is logged at info under target `audit` with its fields, and queued as a
//! `remediation.*` CloudEvent for `ops-events`; whoever called flushes the publisher.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use todo_aiops::correlation::Incident;
use todo_aiops::remediation::{ActionRecord, ActionStatus, Mode, Outcome, RemediationEngine, RemediationError, Step};
use todo_kit::clock::Clock;

use super::{Executor, audit};
use crate::events::Publisher;

/// The engine, its executor and its audit trail.
#[derive(Debug)]
pub struct Remediation {
    // A std Mutex: every engine call is a short computation; the executor runs outside it.
    engine: std::sync::Mutex<RemediationEngine>,
    executor: Arc<dyn Executor>,
    publisher: Arc<Publisher>,
    clock: Arc<dyn Clock>,
    /// One `ready` → execute → `report` pass at a time, so that two passes (a watch and an
    /// approval) never run one function's actions side by side.
    executing: tokio::sync::Mutex<()>,
}

impl Remediation {
    /// `engine` acting through `executor`, publishing its audit trail with `publisher`.
    pub fn new(
        engine: RemediationEngine,
        executor: Arc<dyn Executor>,
        publisher: Arc<Publisher>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            engine: std::sync::Mutex::new(engine),
            executor,
            publisher,
            clock,
            executing: tokio::sync::Mutex::new(()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, RemediationEngine> {
        self.engine.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether the engine may act (`AIOPS_REMEDIATION`).
    pub fn mode(&self) -> Mode {
        self.lock().mode()
    }

    /// What the executor acts on, e.g. `todo serve`.
    pub fn target(&self) -> String {
        self.executor.target()
    }

    /// Moves time to `now` with `open` the open incidents (verification, rollbacks, actions whose
    /// incident closed), then proposes what the playbooks call for on each; returns how many audit
    /// entries that made.
    pub(crate) fn follow(&self, open: &[Incident], now: DateTime<Utc>) -> usize {
        let ids: Vec<&str> = open.iter().map(|i| i.id.as_str()).collect();
        let mut engine = self.lock();
        let mut step = engine.tick(now, &ids);
        for incident in open {
            let proposed = engine.propose(incident, now);
            step.audit.extend(proposed.audit);
        }
        self.audit(&engine, &step)
    }

    /// Hands every ready action to the executor, one after another, and reports each outcome;
    /// returns how many ran.
    pub async fn execute_ready(&self) -> usize {
        let _one_pass = self.executing.lock().await;
        let ready = {
            let mut engine = self.lock();
            let step = engine.ready(self.clock.now());
            self.audit(&engine, &step);
            step.records
        };
        for record in &ready {
            let outcome = self.executor.execute(&record.action).await;
            let outcome = Outcome {
                detail: format!("{} ({})", outcome.detail, self.executor.target()),
                ..outcome
            };
            let mut engine = self.lock();
            match engine.report(&record.id, outcome, self.clock.now()) {
                Ok(step) => {
                    self.audit(&engine, &step);
                }
                // It timed out meanwhile (a `tick` failed it): the outcome has nowhere to go.
                Err(error) => tracing::warn!(action_id = %record.id, %error, "cannot report an action's outcome"),
            }
        }
        ready.len()
    }

    /// `approver` lets a destructive action run; run [`execute_ready`](Self::execute_ready) next.
    ///
    /// # Errors
    /// An unknown id, or an action that is not awaiting approval.
    pub fn approve(&self, id: &str, approver: &str) -> Result<ActionRecord, RemediationError> {
        self.decide(id, |engine, now| engine.approve(id, approver, now))
    }

    /// `by` refuses an action that has not run.
    ///
    /// # Errors
    /// An unknown id, or an action that already ran or was decided.
    pub fn reject(&self, id: &str, by: &str) -> Result<ActionRecord, RemediationError> {
        self.decide(id, |engine, now| engine.reject(id, by, now))
    }

    fn decide(
        &self,
        id: &str,
        decision: impl FnOnce(&mut RemediationEngine, DateTime<Utc>) -> Result<Step, RemediationError>,
    ) -> Result<ActionRecord, RemediationError> {
        let mut engine = self.lock();
        let step = decision(&mut engine, self.clock.now())?;
        self.audit(&engine, &step);
        engine
            .record(id)
            .cloned()
            .ok_or_else(|| RemediationError::UnknownAction(id.to_owned()))
    }

    /// The actions kept, newest first, of `status` if given.
    pub fn actions(&self, status: Option<ActionStatus>) -> Vec<ActionRecord> {
        let engine = self.lock();
        engine
            .records()
            .iter()
            .rev()
            .filter(|r| status.is_none_or(|s| r.status == s))
            .cloned()
            .collect()
    }

    /// The action `id`.
    pub fn action(&self, id: &str) -> Option<ActionRecord> {
        self.lock().record(id).cloned()
    }

    /// Logs every entry of `step` and queues its event; returns how many there were. Called with
    /// the engine locked, so the records the entries name are still there.
    fn audit(&self, engine: &RemediationEngine, step: &Step) -> usize {
        let mut queued = Vec::with_capacity(step.audit.len());
        for entry in &step.audit {
            audit::log(entry);
            let Some(record) = engine.record(&entry.action_id) else {
                tracing::warn!(action_id = %entry.action_id, "an audited action is gone; no event for it");
                continue;
            };
            match audit::event(entry, record) {
                Some(event) => queued.push(event),
                None => tracing::warn!(event = %entry.event, "no catalog type for an audit event"),
            }
        }
        self.publisher.queue(queued);
        step.audit.len()
    }
}
