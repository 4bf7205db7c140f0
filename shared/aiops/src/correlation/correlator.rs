//! The correlator: open incidents, a bounded history of closed ones, and maintenance windows.
//! Each call takes the time as an argument, so replaying signals gives the same incidents.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

use super::alertmanager::WebhookPayload;
use super::change::Change;
use super::incident::{Incident, IncidentStatus};
use super::maintenance::MaintenanceWindow;
use super::settings::CorrelationSettings;
use super::signal::Signal;
use super::topology::Topology;

/// Groups signals into incidents.
#[derive(Debug, Clone)]
pub struct Correlator {
    topology: Topology,
    settings: CorrelationSettings,
    /// Oldest first: a signal related to several joins the oldest.
    open: Vec<Incident>,
    /// Resolved and merged incidents, oldest first, at most `settings.history`.
    closed: VecDeque<Incident>,
    maintenance: Vec<MaintenanceWindow>,
}

impl Correlator {
    /// A correlator over `topology` with no incidents.
    pub fn new(topology: Topology, settings: CorrelationSettings) -> Self {
        Self {
            topology,
            settings,
            open: Vec::new(),
            closed: VecDeque::new(),
            maintenance: Vec::new(),
        }
    }

    /// The call graph in use.
    pub fn topology(&self) -> &Topology {
        &self.topology
    }

    /// The open incidents, oldest first.
    pub fn open_incidents(&self) -> &[Incident] {
        &self.open
    }

    /// Open incidents (oldest first), then closed ones (newest first).
    pub fn incidents(&self) -> impl Iterator<Item = &Incident> {
        self.open.iter().chain(self.closed.iter().rev())
    }

    /// The incident with this id, open or remembered.
    pub fn incident(&self, id: &str) -> Option<&Incident> {
        self.incidents().find(|i| i.id == id)
    }

    /// The maintenance windows not yet over.
    pub fn maintenance(&self) -> &[MaintenanceWindow] {
        &self.maintenance
    }

    /// Silences the window's components from its start to its end.
    pub fn add_maintenance(&mut self, window: MaintenanceWindow) {
        self.maintenance.push(window);
    }

    /// Every alert of a webhook notification, in order.
    pub fn ingest_webhook(&mut self, payload: &WebhookPayload, now: DateTime<Utc>) -> Vec<Change> {
        Signal::from_webhook(payload, now)
            .into_iter()
            .flat_map(|signal| self.ingest(signal, now))
            .collect()
    }

    /// Takes one signal in. A signal with an end closes the open signal with its key (an alert's
    /// fingerprint); a repeat of an open signal only refreshes it; any other signal joins the open
    /// incidents it relates to (merging them if several) or opens one. Quiet anomalies end first.
    pub fn ingest(&mut self, signal: Signal, now: DateTime<Utc>) -> Vec<Change> {
        let mut changes = self.tick(now);
        if let Some(ended_at) = signal.ended_at {
            changes.extend(self.close(&signal.key(), ended_at));
            return changes;
        }
        if let Some(window) = self.silencing(&signal, now) {
            changes.push(Change::Silenced {
                component: signal.component,
                reason: window.reason.clone(),
            });
            return changes;
        }
        let key = signal.key();
        let open_signal = self
            .open
            .iter_mut()
            .flat_map(|i| i.signals.iter_mut())
            .find(|s| s.ended_at.is_none() && s.key() == key);
        if let Some(existing) = open_signal {
            existing.last_seen = existing.last_seen.max(signal.last_seen);
            return changes;
        }
        let related: Vec<usize> = (0..self.open.len())
            .filter(|&i| self.relates(&self.open[i], &signal))
            .collect();
        let Some((&target, rest)) = related.split_first() else {
            let id = self.new_id(&signal);
            let incident = Incident::open(id.clone(), signal, &self.topology, self.settings.order_tolerance);
            self.open.push(incident);
            changes.push(Change::Opened { incident: id });
            return changes;
        };
        // Later indices first, so removing one does not shift the others.
        for &index in rest.iter().rev() {
            let mut absorbed = self.open.remove(index);
            let into = self.open[target].id.clone();
            self.open[target].signals.extend(absorbed.signals.iter().cloned());
            absorbed.status = IncidentStatus::Merged;
            absorbed.merged_into = Some(into.clone());
            changes.push(Change::Merged {
                incident: absorbed.id.clone(),
                into,
            });
            self.remember(absorbed);
        }
        let incident = &mut self.open[target];
        incident.signals.push(signal);
        incident.refresh(&self.topology, self.settings.order_tolerance);
        changes.push(Change::Updated {
            incident: incident.id.clone(),
        });
        changes
    }

    /// Ends the anomaly of `series` on `component` at `at`, as a detector reports its end.
    pub fn resolve_anomaly(&mut self, component: &str, series: &str, at: DateTime<Utc>) -> Vec<Change> {
        let key = Signal::anomaly(component, series, at, 0.0, 0.0).key();
        self.close(&key, at)
    }

    /// Moves time to `now`: anomalies quiet for `anomaly_quiet` and alerts not re-sent for
    /// `alert_stale` end at their last report, incidents whose signals all ended resolve, and past
    /// maintenance windows are dropped.
    pub fn tick(&mut self, now: DateTime<Utc>) -> Vec<Change> {
        self.maintenance.retain(|w| w.until > now);
        let (quiet, stale) = (self.settings.anomaly_quiet, self.settings.alert_stale);
        let mut touched = Vec::new();
        for (index, incident) in self.open.iter_mut().enumerate() {
            let mut ended = false;
            for signal in &mut incident.signals {
                let silent_for = if signal.is_anomaly() { quiet } else { stale };
                if signal.ended_at.is_none() && signal.last_seen + silent_for <= now {
                    signal.ended_at = Some(signal.last_seen);
                    ended = true;
                }
            }
            if ended {
                touched.push(index);
            }
        }
        self.settle(touched)
    }

    /// Ends every open signal with `key` at `at`.
    fn close(&mut self, key: &str, at: DateTime<Utc>) -> Vec<Change> {
        let mut touched = Vec::new();
        for (index, incident) in self.open.iter_mut().enumerate() {
            let mut ended = false;
            for signal in incident.signals.iter_mut().filter(|s| s.ended_at.is_none()) {
                if signal.key() == key {
                    signal.ended_at = Some(at.max(signal.started_at));
                    ended = true;
                }
            }
            if ended {
                touched.push(index);
            }
        }
        self.settle(touched)
    }

    /// Reports the incidents at `touched` as updated, or resolves them when all their signals ended.
    fn settle(&mut self, touched: Vec<usize>) -> Vec<Change> {
        let mut changes = Vec::new();
        for &index in touched.iter().rev() {
            if self.open[index].all_ended() {
                let mut incident = self.open.remove(index);
                incident.resolve();
                changes.push(Change::Resolved {
                    incident: incident.id.clone(),
                });
                self.remember(incident);
            } else {
                changes.push(Change::Updated {
                    incident: self.open[index].id.clone(),
                });
            }
        }
        changes.reverse();
        changes
    }

    /// The maintenance window that silences `signal`: its component is under maintenance when it
    /// started or now (an alert can start just before the work and arrive during it).
    fn silencing(&self, signal: &Signal, now: DateTime<Utc>) -> Option<&MaintenanceWindow> {
        self.maintenance
            .iter()
            .find(|w| w.covers(&signal.component, signal.started_at) || w.covers(&signal.component, now))
    }

    /// Whether `signal` belongs with `incident`: close in time and in the call graph.
    fn relates(&self, incident: &Incident, signal: &Signal) -> bool {
        let window = self.settings.window;
        let in_time = signal.started_at >= incident.first_start() - window
            && signal.started_at <= incident.latest_start() + window;
        in_time
            && incident.components.iter().any(|c| {
                self.topology
                    .hops(c, &signal.component)
                    .is_some_and(|h| h <= self.settings.max_hops)
            })
    }

    /// `inc-<start>-<component>`, with a suffix if an incident already has it.
    fn new_id(&self, signal: &Signal) -> String {
        let base = format!("inc-{}-{}", signal.started_at.timestamp(), signal.component);
        let mut id = base.clone();
        let mut n = 1;
        while self.incident(&id).is_some() {
            n += 1;
            id = format!("{base}-{n}");
        }
        id
    }

    /// Keeps a closed incident, forgetting the oldest beyond `history`.
    fn remember(&mut self, incident: Incident) {
        self.closed.push_back(incident);
        while self.closed.len() > self.settings.history {
            self.closed.pop_front();
        }
    }
}
