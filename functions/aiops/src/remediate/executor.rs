//! Who carries out a remediation action. The engine (`todo_aiops::remediation`) decides what
//! may run and when; an [`Executor`] only runs what it is handed and says how it went:
//! `engine.ready(now)` → `executor.execute(action)` → `engine.report(id, outcome, now)`.
//!
//! - [`LocalExecutor`](super::local::LocalExecutor): `todo serve`, acting on its own components
//!   (it can pause and resume its consumers; a process cannot restart or scale itself).
//! - `KubeExecutor`: the cluster, through the Kubernetes API (the `kube` crate).

use async_trait::async_trait;
use todo_aiops::remediation::{Action, Outcome};

/// Runs remediation actions.
#[async_trait]
pub trait Executor: Send + Sync + std::fmt::Debug {
    /// What this executor acts on, for the audit trail: `todo serve`, `kubernetes (knative, todo)`.
    fn target(&self) -> String;

    /// Carries out `action`; an action it cannot carry out is a failed [`Outcome`] saying why,
    /// never a silent success.
    async fn execute(&self, action: &Action) -> Outcome;
}
