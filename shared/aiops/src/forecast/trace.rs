//! A rate series at a fixed step, as the backtest replays it: read from a `timestamp,value`
//! [`Series`], with missing steps filled with NaN so the replay keeps the clock.

use chrono::NaiveDateTime;

use crate::series::Series;
use crate::{Error, Result};

/// A trace this many times longer than its rows is refused: its step or a timestamp is wrong.
const MAX_STEPS_PER_ROW: usize = 10;

/// Rates at a fixed step from `start`; NaN marks a step without a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    pub start: NaiveDateTime,
    pub step_seconds: u32,
    pub rates: Vec<f64>,
}

impl Trace {
    /// The series at its smallest gap between rows as the step, missing steps as NaN. `file`
    /// only names the source in errors.
    ///
    /// # Errors
    ///
    /// [`Error::Csv`] when the series has fewer than two rows, when a timestamp does not come
    /// after the one before it, or falls between steps, or when the trace would be mostly gaps.
    pub fn from_series(series: &Series, file: &str) -> Result<Self> {
        let times = &series.timestamps;
        let error = |row: usize, reason: String| Error::Csv {
            file: file.to_owned(),
            // The header is line 1.
            line: row + 2,
            reason,
        };
        if times.len() < 2 {
            return Err(error(0, "a trace needs at least two rows to have a step".to_owned()));
        }
        let mut step = i64::MAX;
        for (row, pair) in times.windows(2).enumerate() {
            let gap = (pair[1] - pair[0]).num_seconds();
            if gap <= 0 {
                return Err(error(row + 1, format!("{} does not come after {}", pair[1], pair[0])));
            }
            step = step.min(gap);
        }
        let step_seconds = u32::try_from(step).map_err(|_| error(1, format!("a step of {step} s is too long")))?;
        let start = times[0];
        let last = (times[times.len() - 1] - start).num_seconds() / step;
        let len = usize::try_from(last).unwrap_or(usize::MAX).saturating_add(1);
        if len > times.len().saturating_mul(MAX_STEPS_PER_ROW) {
            return Err(error(
                times.len() - 1,
                format!("{len} steps of {step} s for {} rows: mostly gaps", times.len()),
            ));
        }
        let mut rates = vec![f64::NAN; len];
        for (row, (time, value)) in times.iter().zip(&series.values).enumerate() {
            let offset = (*time - start).num_seconds();
            if offset % step != 0 {
                return Err(error(
                    row,
                    format!("{time} falls between steps of {step} s from {start}"),
                ));
            }
            rates[(offset / step) as usize] = *value;
        }
        Ok(Self {
            start,
            step_seconds,
            rates,
        })
    }

    /// The same trace with every rate multiplied by `factor` (e.g. counts per step to per second).
    pub fn scaled(mut self, factor: f64) -> Self {
        for rate in &mut self.rates {
            *rate *= factor;
        }
        self
    }

    /// Steps in the trace, missing ones included.
    pub fn len(&self) -> usize {
        self.rates.len()
    }

    /// Whether the trace has no steps.
    pub fn is_empty(&self) -> bool {
        self.rates.is_empty()
    }

    /// Minutes per step.
    pub fn step_minutes(&self) -> f64 {
        f64::from(self.step_seconds) / 60.0
    }
}
