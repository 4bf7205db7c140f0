//! The watch: each interval, the new points of every [`Series`] of every component, scored by
//! one detector per (component, series); each point at or above the threshold becomes an
//! [`Anomaly`], an `anomaly.detected` event and a signal for the correlator, whose opened and
//! resolved incidents become `incident.opened` / `incident.resolved`. The request rates also feed
//! the scaling forecasters, and the open incidents the remediation engine, whose ready actions
//! run before the watch ends.
//!
//! [`Watch`] is the unit of periodic work `watch`: the PingSource posts `/work/watch` every
//! minute, and with `BACKGROUND_WORK=loop` the function runs it on a timer too. Runs never
//! overlap. The first fetch of each series reaches back [`WatchSettings::lookback`] so that its
//! detector and forecaster start warm; points of that first fetch are learnt from, not reported
//! (a restarted pod must not announce an hour of old anomalies again).
//!
//! With a [`LogSource`] (Loki in the cluster, the process's tap under `todo serve`), each run also
//! reads the warning and error lines since the last one ([`logs`]): a log template's burst is an
//! anomaly of series `log_burst` like any other, and says in words what is failing.

mod detectors;
mod logs;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use todo_aiops::correlation::IncidentStatus;
use todo_kit::clock::Clock;
use todo_kit::function::{Work, WorkError, WorkReport};
use todo_kit::metrics::metrics;

use crate::SERVICE;
use crate::logs::LogSource;
use crate::remediate::Remediation;
use crate::source::{MetricSource, Series, Window};
use crate::state::{Anomaly, Ops};
use detectors::Detectors;
pub use logs::LOG_BURST;
use logs::LogWatch;

/// How the watch runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WatchSettings {
    /// The time between two points of a series, and between two runs of the loop.
    pub step: Duration,
    /// How far back the first fetch of a series reaches.
    pub lookback: Duration,
    /// The most series with a detector.
    pub max_series: usize,
}

impl Default for WatchSettings {
    fn default() -> Self {
        Self {
            step: Duration::from_secs(60),
            // 180 points at 60 s: past the detector's warm-up of 100 points.
            lookback: Duration::from_secs(3 * 3600),
            // 10 functions x 7 series, consumer groups and infrastructure, with room to spare.
            max_series: 256,
        }
    }
}

/// What survives from one run to the next.
#[derive(Debug)]
struct Progress {
    detectors: Detectors,
    /// The end of the last successful fetch of each series.
    fetched_until: HashMap<Series, DateTime<Utc>>,
    /// The log watch, when there is a log source.
    logs: Option<LogWatch>,
}

/// The unit of periodic work `watch`.
#[derive(Debug)]
pub struct Watch {
    source: Arc<dyn MetricSource>,
    log_source: Option<Arc<dyn LogSource>>,
    ops: Arc<Ops>,
    remediation: Arc<Remediation>,
    settings: WatchSettings,
    clock: Arc<dyn Clock>,
    /// A tokio Mutex: held for a whole run, across the fetches, so that runs never overlap.
    progress: tokio::sync::Mutex<Progress>,
}

impl Watch {
    /// A watch of `source` (and of `log_source`'s lines, if any) that records into `ops` and hands
    /// the open incidents to `remediation`, with `clock` as its time.
    pub fn new(
        source: Arc<dyn MetricSource>,
        log_source: Option<Arc<dyn LogSource>>,
        ops: Arc<Ops>,
        remediation: Arc<Remediation>,
        settings: WatchSettings,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            progress: tokio::sync::Mutex::new(Progress {
                detectors: Detectors::new(settings.max_series),
                fetched_until: HashMap::new(),
                logs: log_source.as_ref().map(|_| LogWatch::new()),
            }),
            source,
            log_source,
            ops,
            remediation,
            settings,
            clock,
        }
    }

    /// One run at the clock's time.
    ///
    /// # Errors
    /// When no series could be fetched; the next run tries again.
    pub async fn run(&self) -> Result<WorkReport, WorkError> {
        let started = Instant::now();
        let now = self.clock.now();
        let result = self.run_at(now).await;
        metrics()
            .aiops_watch_duration
            .with_label_values(&[SERVICE])
            .observe(started.elapsed().as_secs_f64());
        result
    }

    #[tracing::instrument(skip(self))]
    async fn run_at(&self, now: DateTime<Utc>) -> Result<WorkReport, WorkError> {
        let mut progress = self.progress.lock().await;
        let step_ms = i64::try_from(self.settings.step.as_millis().max(1)).unwrap_or(60_000);
        let lookback = chrono::Duration::from_std(self.settings.lookback).unwrap_or(chrono::Duration::hours(3));
        // Whole steps, so that every run asks for the same evaluation times.
        let end = DateTime::from_timestamp_millis(now.timestamp_millis().div_euclid(step_ms) * step_ms).unwrap_or(now);
        let (mut points, mut failed, mut found) = (0_usize, Vec::new(), Vec::<Anomaly>::new());
        for series in Series::ALL {
            let since = progress.fetched_until.get(&series).copied();
            let start = since.map_or(end - lookback, |since| since.max(end - lookback));
            let window = Window {
                start,
                end,
                step: self.settings.step,
            };
            let samples = match self.source.fetch(series, window).await {
                Ok(samples) => samples,
                Err(error) => {
                    metrics()
                        .aiops_watch_errors
                        .with_label_values(&[SERVICE, series.name()])
                        .inc();
                    tracing::warn!(series = series.name(), error.cause_chain = ?error, error.message = %error, "cannot fetch a series; the next watch tries again");
                    failed.push(series.name());
                    continue;
                }
            };
            // The first fetch of a series is history: learnt from, not reported.
            let quiet_until = if since.is_none() {
                end.timestamp_millis()
            } else {
                i64::MIN
            };
            for (component, series_points) in &samples {
                let (scored, anomalies) = progress.detectors.score(component, series, series_points, quiet_until);
                points += scored;
                found.extend(anomalies);
                if series == Series::RequestRate {
                    self.ops.observe_rate(component, series_points);
                }
            }
            progress.fetched_until.insert(series, end);
        }
        let no_metrics = failed.len() == Series::ALL.len();
        let mut log_lines = 0;
        if let (Some(source), Some(logs)) = (&self.log_source, progress.logs.as_mut()) {
            match logs.run(source.as_ref(), end).await {
                Ok(run) => {
                    log_lines = run.lines;
                    found.extend(run.anomalies);
                }
                Err(error) => {
                    metrics()
                        .aiops_watch_errors
                        .with_label_values(&[SERVICE, LOG_BURST])
                        .inc();
                    tracing::warn!(error.cause_chain = ?error, error.message = %error, "cannot read the log lines; the next watch tries again");
                    failed.push(LOG_BURST);
                }
            }
        }
        let tracked = progress.detectors.len();
        drop(progress);
        if no_metrics {
            return Err(WorkError(format!("no series could be fetched ({})", failed.join(", "))));
        }
        let anomalies = found.len();
        let recorded = self.ops.record_anomalies(found, now);
        let ticked = self.ops.tick(now);
        let open = self.ops.incidents(Some(IncidentStatus::Open));
        let audited = self.remediation.follow(&open, now);
        let executed = self.remediation.execute_ready().await;
        let published = match self.ops.flush().await {
            Ok(sent) => sent,
            Err(error) => {
                tracing::warn!(%error, "cannot publish the ops events yet; they stay queued");
                0
            }
        };
        Ok(WorkReport::default()
            .with("series", tracked)
            .with("points", points)
            .with("log_lines", log_lines)
            .with("anomalies", anomalies)
            .with("incidents_opened", recorded.opened.len() + ticked.opened.len())
            .with("incidents_resolved", recorded.resolved.len() + ticked.resolved.len())
            .with("remediation_changes", audited)
            .with("actions_executed", executed)
            .with("published", published)
            .with("failed_series", failed))
    }
}

#[async_trait]
impl Work for Watch {
    async fn run_once(&self) -> Result<WorkReport, WorkError> {
        self.run().await
    }
}
