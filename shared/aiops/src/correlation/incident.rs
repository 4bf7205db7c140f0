//! An incident: signals that fired together on related components, with the component most
//! probably at fault. Serialised as the routes return it (snake_case JSON).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::root_cause::{self, RootCause};
use super::signal::Signal;
use super::topology::Topology;

/// Where an incident is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentStatus {
    Open,
    /// Every signal ended.
    Resolved,
    /// A later signal tied it to an older incident, which holds its signals now (`merged_into`).
    Merged,
}

/// One incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    /// `inc-<unix seconds of the first signal's start>-<its component>` (`-2`, `-3` ... if taken):
    /// the same signals give the same id, on any replica.
    pub id: String,
    pub status: IncidentStatus,
    /// When the earliest signal started (not when we heard of it).
    pub opened_at: DateTime<Utc>,
    /// When the last signal ended.
    pub resolved_at: Option<DateTime<Utc>>,
    pub merged_into: Option<String>,
    pub components: BTreeSet<String>,
    /// In order of start.
    pub signals: Vec<Signal>,
    pub root_cause: RootCause,
    pub summary: String,
}

impl Incident {
    /// An open incident of one signal.
    pub(crate) fn open(id: String, signal: Signal, topology: &Topology, tolerance: chrono::TimeDelta) -> Self {
        let mut incident = Self {
            id,
            status: IncidentStatus::Open,
            opened_at: signal.started_at,
            resolved_at: None,
            merged_into: None,
            components: BTreeSet::new(),
            signals: vec![signal],
            root_cause: RootCause::default(),
            summary: String::new(),
        };
        incident.refresh(topology, tolerance);
        incident
    }

    /// The start of the earliest signal.
    pub fn first_start(&self) -> DateTime<Utc> {
        self.opened_at
    }

    /// The start of the latest signal.
    pub fn latest_start(&self) -> DateTime<Utc> {
        self.signals
            .iter()
            .map(|s| s.started_at)
            .max()
            .unwrap_or(self.opened_at)
    }

    /// Whether every signal has ended.
    pub fn all_ended(&self) -> bool {
        self.signals.iter().all(|s| s.ended_at.is_some())
    }

    /// Recomputes what follows from the signals: order, components, root cause, summary.
    pub(crate) fn refresh(&mut self, topology: &Topology, tolerance: chrono::TimeDelta) {
        self.signals
            .sort_by(|a, b| (a.started_at, &a.component).cmp(&(b.started_at, &b.component)));
        if let Some(first) = self.signals.first() {
            self.opened_at = first.started_at;
        }
        self.components = self.signals.iter().map(|s| s.component.clone()).collect();
        self.root_cause = root_cause::analyse(&self.signals, topology, tolerance);
        self.summary = self.summarise();
    }

    /// Marks the incident resolved at its last signal's end.
    pub(crate) fn resolve(&mut self) {
        self.status = IncidentStatus::Resolved;
        self.resolved_at = self.signals.iter().filter_map(|s| s.ended_at).max();
    }

    /// `postgresql (alert PostgresDown) is the probable root cause; also affected: chat-api, task-api`.
    fn summarise(&self) -> String {
        let cause = &self.root_cause.component;
        let mut names: Vec<String> = Vec::new();
        for signal in self.signals.iter().filter(|s| &s.component == cause) {
            let described = signal.describe();
            if !names.contains(&described) {
                names.push(described);
            }
        }
        let others: Vec<&str> = self
            .components
            .iter()
            .filter(|c| *c != cause)
            .map(String::as_str)
            .collect();
        if others.is_empty() {
            format!("{cause}: {}", names.join(", "))
        } else {
            format!(
                "{cause} ({}) is the probable root cause; also affected: {}",
                names.join(", "),
                others.join(", ")
            )
        }
    }
}
