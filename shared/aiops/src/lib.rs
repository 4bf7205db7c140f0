//! AIOps as computation: every model here takes numbers or records in and gives numbers or
//! decisions out, with no network and no clock (time is passed in), so the `aiops` function, the
//! CLI (`todo aiops`) and the benchmarks share one implementation and the tests need no service.
//! Reading a NAB corpus or a CSV series from disk is the only I/O.
//!
//! - [`detector`]: the streaming anomaly detector, one per metric series;
//! - [`nab`]: the Numenta Anomaly Benchmark's scoring, to measure it;
//! - [`forecast`]: request-rate forecasts and the replicas they call for;
//! - [`logs`]: log templates (Drain) and error bursts per template;
//! - [`correlation`]: alerts and anomalies grouped into incidents, with a root cause;
//! - [`remediation`]: playbooks and the guardrails around acting on an incident.

pub mod correlation;
pub mod detector;
mod error;
pub mod forecast;
pub mod logs;
pub mod nab;
pub mod remediation;
pub mod series;

pub use error::{Error, Result};
