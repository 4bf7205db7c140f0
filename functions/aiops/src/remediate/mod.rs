//! Remediation: the guarded engine of `todo_aiops::remediation` wired to incidents, an
//! [`Executor`] and the audit trail ([`Remediation`]), and the executors that carry actions out.

mod audit;
mod engine;
mod executor;
pub mod kube;
pub mod local;

pub use engine::Remediation;
pub use executor::Executor;
pub use local::LocalExecutor;
