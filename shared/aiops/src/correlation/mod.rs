//! Alert correlation and root cause.
//!
//! Alerts that fire together usually have one cause: when PostgreSQL goes down, task-api answers
//! 5xx, chat-api (which calls task-api) does too, and the outbox stops draining. Paging for each is
//! noise; what on-call needs is one incident that names PostgreSQL. The [`Correlator`] takes
//! [`Signal`]s (Alertmanager alerts from the webhook, anomalies from the detectors) and groups a
//! signal with an open incident when it started within a window of the incident's signals and its
//! component is near one of theirs in the call graph ([`Topology`]). Each incident names its
//! most upstream affected component as the [`RootCause`], with evidence.
//!
//! Everything here is computation: the `aiops` function owns the HTTP routes
//! (`POST /api/aiops/alerts`, `GET /api/aiops/incidents`) and passes the time in.

mod alertmanager;
mod change;
mod components;
mod correlator;
mod incident;
mod maintenance;
mod root_cause;
mod settings;
mod signal;
mod topology;

pub use alertmanager::{Alert, AlertStatus, LabelSet, WebhookPayload};
pub use change::Change;
pub use components::{FUNCTIONS, alert_component};
pub use correlator::Correlator;
pub use incident::{Incident, IncidentStatus};
pub use maintenance::MaintenanceWindow;
pub use root_cause::RootCause;
pub use settings::CorrelationSettings;
pub use signal::{Signal, SignalSource};
pub use topology::{ComponentKind, Node, Topology};
