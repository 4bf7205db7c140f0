//! Guarded remediation (FR-72) as a pure decision engine: playbooks map incidents to actions
//! (restart a function's revision, scale it up, pause a consumer that dead-letters in a loop, open
//! the circuit to a failing model provider), and guardrails decide whether and when each runs.
//!
//! The [`RemediationEngine`] holds its state in memory (a [`Snapshot`] to persist) and takes the
//! time as an argument; it does no I/O. The `aiops` function wires it to incidents from the
//! [`Correlator`](crate::correlation::Correlator), to an executor and to the routes.
//!
//! Guardrails, each recorded as the reason when it blocks:
//! - dry run by default ([`Mode::DryRun`]): records say what would have happened, nothing is ever
//!   ready for the executor;
//! - at most 3 actions per function per rolling hour ([`RemediationSettings`]); rollbacks are free;
//! - destructive actions ([`Action::is_destructive`]: restart, pause) wait for a person, even in
//!   [`Mode::Auto`]: `approve` (`POST /api/aiops/actions/{id}/approve`) or `reject`;
//! - nothing is done to a component under maintenance;
//! - one action per incident per playbook, unless the playbook repeats after a delay (escalation).
//!
//! Every call that changes state returns a [`Step`]: the records it touched and one
//! [`AuditEntry`] per change, which the function logs and publishes as a CloudEvent whose type is
//! the entry's event (`remediation.proposed`, ..., `remediation.rolled_back`).
//!
//! # The executor contract
//! The executor (Kubernetes through the kube crate in the cluster; in `todo serve` a local one
//! acting on its own components) lives in the function, because it does I/O. It follows:
//! 1. after `propose` (on every incident change) and `approve`, call [`RemediationEngine::ready`]:
//!    the records it returns are now `executing`, and are handed out only once;
//! 2. run each action, idempotently (a restart of an already new revision, a scale to the replicas
//!    already running, a pause of a paused consumer all succeed);
//! 3. call [`RemediationEngine::report`] with its [`Outcome`]; an action without a report for
//!    `execution_timeout_secs` fails at the next `tick`, so a crashed executor cannot hold one forever;
//! 4. call [`RemediationEngine::tick`] periodically (the function's PingSource) with the ids of the
//!    open incidents: it verifies succeeded actions after `verify_after_secs` and proposes the
//!    rollback of those whose incident is still open; run `ready` again afterwards.
//!
//! Persist [`RemediationEngine::snapshot`] after each call and restore it with
//! [`RemediationEngine::from_snapshot`] on start.

mod action;
mod audit;
mod engine;
mod error;
mod execute;
mod platform;
mod playbook;
mod propose;
mod record;
mod settings;

pub use action::{ALL_TOPICS, Action};
pub use audit::{AuditEntry, AuditEvent, ENGINE, EXECUTOR, Step};
pub use engine::{RemediationEngine, Snapshot};
pub use error::RemediationError;
pub use platform::{DEAD_LETTER_RATE, MODEL_PROVIDER};
pub use playbook::{ActionTemplate, Playbook, RootCauseRule, SignalKind, Trigger};
pub use record::{ActionRecord, ActionStatus, Outcome, Verdict};
pub use settings::{Mode, RemediationSettings};
