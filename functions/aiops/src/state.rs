//! What aiops knows, shared by the watch and the routes: the correlator with its incidents, the
//! maintenance windows, the recent anomalies and the request-rate forecasters.
//!
//! All of it lives in memory, bounded: the last [`MAX_ANOMALIES`] anomalies, the correlator's
//! open incidents and its last 500 closed ones, one window per component. A restart forgets it;
//! the events on `ops-events` (and the archive of that topic) are the durable record. That is
//! enough while aiops runs as one replica; more replicas would each see only their own webhooks.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use todo_aiops::correlation::{
    Change, CorrelationSettings, Correlator, Incident, IncidentStatus, MaintenanceWindow, Signal, Topology,
    WebhookPayload,
};
use todo_aiops::forecast::{Capacity, ScalingAdvice};
use todo_events::DomainEvent;
use todo_kit::metrics::metrics;

use crate::SERVICE;
use crate::events::{self, Publisher};
use crate::scaling::Forecasts;
use crate::source::Point;

/// How many anomalies `GET /api/aiops/anomalies` can show.
pub const MAX_ANOMALIES: usize = 1_000;

/// One point a detector scored at or above the threshold.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Anomaly {
    /// The component, e.g. `task-api`.
    pub component: String,
    /// The series, e.g. `p99_latency_seconds`.
    pub series: String,
    /// When the point was measured.
    pub at: DateTime<Utc>,
    /// Its value.
    pub value: f64,
    /// The detector's score, 0 to 1.
    pub score: f64,
    /// For a log burst (series `log_burst`, value the lines in its minute): the template that
    /// logged them, e.g. `event sent to dead-letter`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// Its component was under maintenance: kept here, but neither published nor correlated.
    pub silenced: bool,
}

/// What one call changed, for the watch's report and the webhook's answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Outcome {
    /// Every change, in order.
    #[schema(value_type = Vec<Object>)]
    pub changes: Vec<Change>,
    /// Ids of the incidents opened.
    pub opened: Vec<String>,
    /// Ids of the incidents resolved.
    pub resolved: Vec<String>,
}

#[derive(Debug)]
struct Inner {
    correlator: Correlator,
    /// At most one window per component (the last one set).
    maintenance: BTreeMap<String, MaintenanceWindow>,
    /// Oldest first.
    anomalies: VecDeque<Anomaly>,
    forecasts: Forecasts,
}

/// The shared state; cheap to lock, never locked across an await.
#[derive(Debug)]
pub struct Ops {
    // A std Mutex: every use is a short computation, and the events are sent after it is released.
    inner: std::sync::Mutex<Inner>,
    publisher: Arc<Publisher>,
}

impl Ops {
    /// Empty state over the platform's topology, with a forecaster per function of `capacities`
    /// at the watch `step`.
    pub fn new(publisher: Arc<Publisher>, capacities: &BTreeMap<String, Capacity>, step: Duration) -> Self {
        Self {
            inner: std::sync::Mutex::new(Inner {
                correlator: Correlator::new(Topology::platform(), CorrelationSettings::default()),
                maintenance: BTreeMap::new(),
                anomalies: VecDeque::new(),
                forecasts: Forecasts::new(capacities, step),
            }),
            publisher,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Records anomalies found by the watch; those of components not under maintenance are
    /// queued as `anomaly.detected` and go to the correlator as signals.
    pub(crate) fn record_anomalies(&self, found: Vec<Anomaly>, now: DateTime<Utc>) -> Outcome {
        let mut outcome = Outcome::default();
        let mut queued = Vec::new();
        let mut inner = self.lock();
        for mut anomaly in found {
            anomaly.silenced = inner.silencing(&anomaly.component, anomaly.at, now).is_some();
            if !anomaly.silenced {
                metrics()
                    .aiops_anomalies_detected
                    .with_label_values(&[SERVICE, &anomaly.component, &anomaly.series])
                    .inc();
                queued.push(events::anomaly_detected(&anomaly, now));
                let signal = Signal::anomaly(
                    &anomaly.component,
                    &anomaly.series,
                    anomaly.at,
                    anomaly.score,
                    anomaly.value,
                );
                let changes = inner.correlator.ingest(signal, now);
                inner.apply(changes, now, &mut queued, &mut outcome);
            }
            inner.anomalies.push_back(anomaly);
            if inner.anomalies.len() > MAX_ANOMALIES {
                inner.anomalies.pop_front();
            }
        }
        drop(inner);
        self.publisher.queue(queued);
        outcome
    }

    /// Takes the alerts of an Alertmanager notification in; a firing alert of a component under
    /// maintenance is silenced here, a resolved one still closes what it opened.
    pub(crate) fn ingest_alerts(&self, payload: &WebhookPayload, now: DateTime<Utc>) -> Outcome {
        let mut outcome = Outcome::default();
        let mut queued = Vec::new();
        let mut inner = self.lock();
        for signal in Signal::from_webhook(payload, now) {
            if signal.ended_at.is_none()
                && let Some(window) = inner.silencing(&signal.component, signal.started_at, now)
            {
                outcome.changes.push(Change::Silenced {
                    component: signal.component.clone(),
                    reason: window.reason.clone(),
                });
                continue;
            }
            let changes = inner.correlator.ingest(signal, now);
            inner.apply(changes, now, &mut queued, &mut outcome);
        }
        drop(inner);
        self.publisher.queue(queued);
        outcome
    }

    /// Moves time to `now`: past maintenance windows end, quiet anomalies end, incidents whose
    /// signals all ended resolve.
    pub(crate) fn tick(&self, now: DateTime<Utc>) -> Outcome {
        let mut outcome = Outcome::default();
        let mut queued = Vec::new();
        let mut inner = self.lock();
        inner.maintenance.retain(|_, window| window.until > now);
        let changes = inner.correlator.tick(now);
        inner.apply(changes, now, &mut queued, &mut outcome);
        drop(inner);
        self.publisher.queue(queued);
        outcome
    }

    /// Feeds `function`'s request rate to its forecaster (nothing when it has none).
    pub(crate) fn observe_rate(&self, function: &str, points: &[Point]) {
        self.lock().forecasts.observe(function, points);
    }

    /// The scaling advice for `function`, or `None` when `AIOPS_CAPACITY` does not name it.
    pub fn scaling(&self, function: &str, now: DateTime<Utc>) -> Option<ScalingAdvice> {
        self.lock().forecasts.advice(function, now)
    }

    /// Whether `function` gets scaling advice.
    pub fn advises(&self, function: &str) -> bool {
        self.lock().forecasts.knows(function)
    }

    /// Open incidents (oldest first), then closed ones (newest first), of `status` if given.
    pub fn incidents(&self, status: Option<IncidentStatus>) -> Vec<Incident> {
        let inner = self.lock();
        inner
            .correlator
            .incidents()
            .filter(|i| status.is_none_or(|s| i.status == s))
            .cloned()
            .collect()
    }

    /// The incident `id`, open or remembered.
    pub fn incident(&self, id: &str) -> Option<Incident> {
        self.lock().correlator.incident(id).cloned()
    }

    /// The `limit` newest anomalies, newest first.
    pub fn anomalies(&self, limit: usize) -> Vec<Anomaly> {
        self.lock().anomalies.iter().rev().take(limit).cloned().collect()
    }

    /// Silences `component` from `now` until `until` (replacing a window it had).
    pub fn maintain(
        &self,
        component: &str,
        until: DateTime<Utc>,
        reason: &str,
        now: DateTime<Utc>,
    ) -> MaintenanceWindow {
        let window = MaintenanceWindow::new([component], now, until, reason);
        self.lock().maintenance.insert(component.to_owned(), window.clone());
        window
    }

    /// Ends `component`'s maintenance; the window it had, if any.
    pub fn end_maintenance(&self, component: &str) -> Option<MaintenanceWindow> {
        self.lock().maintenance.remove(component)
    }

    /// Sends the queued events.
    ///
    /// # Errors
    /// The bus refused them; they stay queued.
    pub async fn flush(&self) -> Result<usize, todo_kit::bus::BusError> {
        self.publisher.flush().await
    }
}

impl Inner {
    /// The window that silences a signal of `component` that started at `started_at`: one that
    /// covers that time or now (an alert can start just before the work and arrive during it).
    fn silencing(&self, component: &str, started_at: DateTime<Utc>, now: DateTime<Utc>) -> Option<&MaintenanceWindow> {
        self.maintenance
            .get(component)
            .filter(|w| w.covers(component, started_at) || w.covers(component, now))
    }

    /// Records `changes` in `outcome` and queues the events of opened and resolved incidents.
    fn apply(&self, changes: Vec<Change>, now: DateTime<Utc>, queued: &mut Vec<DomainEvent>, outcome: &mut Outcome) {
        for change in changes {
            match &change {
                Change::Opened { incident } => {
                    if let Some(found) = self.correlator.incident(incident) {
                        queued.push(events::incident_opened(found, now));
                    }
                    outcome.opened.push(incident.clone());
                }
                Change::Resolved { incident } => {
                    if let Some(found) = self.correlator.incident(incident) {
                        queued.push(events::incident_resolved(found, now));
                    }
                    outcome.resolved.push(incident.clone());
                }
                // Its `incident.opened` went out: it must close on `ops-events` too.
                Change::Merged { incident, .. } => {
                    if let Some(found) = self.correlator.incident(incident) {
                        queued.push(events::incident_resolved(found, now));
                    }
                }
                Change::Updated { .. } | Change::Silenced { .. } => {}
            }
            outcome.changes.push(change);
        }
        metrics()
            .aiops_incidents_open
            .with_label_values(&[SERVICE])
            .set(i64::try_from(self.correlator.open_incidents().len()).unwrap_or(i64::MAX));
    }
}
