//! The log watch: each run, the warning and error lines written since the last one, mined into
//! templates and counted per (component, template) by one `LogBurstDetector`; a burst (a
//! template logging far more than its recent rate allows, or a new error flooding) becomes an
//! [`Anomaly`] of series [`LOG_BURST`] with its template, which says what fails where the
//! metrics only say that something does.
//!
//! The first fetch reaches back [`LOOKBACK`] to learn the templates' rates, and reports nothing
//! of it, like the metric watch's first fetch.

use chrono::{DateTime, TimeDelta, Utc};
use todo_aiops::logs::{BurstSettings, LogAnomaly, LogBurstDetector, LogLine};

use crate::logs::LogSource;
use crate::state::Anomaly;

/// The series name of log bursts in anomalies, events and metric labels.
pub const LOG_BURST: &str = "log_burst";
/// How far back the first fetch reaches: enough buckets for the rates of steady templates.
const LOOKBACK: TimeDelta = TimeDelta::minutes(30);

/// The detector and how far the lines were read.
#[derive(Debug)]
pub(crate) struct LogWatch {
    detector: LogBurstDetector,
    fetched_until: Option<DateTime<Utc>>,
}

/// What one run of the log watch read and found.
#[derive(Debug, Default)]
pub(crate) struct LogRun {
    pub(crate) lines: usize,
    pub(crate) anomalies: Vec<Anomaly>,
}

impl LogWatch {
    pub(crate) fn new() -> Self {
        Self {
            detector: LogBurstDetector::new(BurstSettings::default()),
            fetched_until: None,
        }
    }

    /// Reads `source` up to `end` and scores every line.
    ///
    /// # Errors
    /// The source's; the next run reads the same span again.
    pub(crate) async fn run(&mut self, source: &dyn LogSource, end: DateTime<Utc>) -> crate::Result<LogRun> {
        let first = self.fetched_until.is_none();
        let start = self.fetched_until.unwrap_or(end - LOOKBACK);
        if start >= end {
            return Ok(LogRun::default());
        }
        let raw = source.fetch(start, end).await?;
        let mut run = LogRun {
            lines: raw.len(),
            anomalies: Vec::new(),
        };
        for line in raw.iter().filter_map(|raw| LogLine::parse(raw)) {
            if let Some(burst) = self.detector.observe(&line)
                && !first
            {
                run.anomalies.push(anomaly(burst, line.timestamp));
            }
        }
        self.fetched_until = Some(end);
        Ok(run)
    }
}

/// A burst as an anomaly of its component at the time of the line that made it one: the value is
/// the bucket's count, the score the probability that the count is not chance.
fn anomaly(burst: LogAnomaly, at: DateTime<Utc>) -> Anomaly {
    Anomaly {
        component: burst.service.unwrap_or_else(|| "unknown".into()),
        series: LOG_BURST.to_owned(),
        at,
        #[allow(clippy::cast_precision_loss)]
        value: burst.count as f64,
        score: (1.0 - 10_f64.powf(-burst.score)).clamp(0.0, 1.0),
        template: Some(burst.template),
        silenced: false,
    }
}
