//! Additive Holt-Winters with a damped trend and an AR(1) correction of its last error: one
//! series, updated one step at a time, in one season of memory.
//!
//! Additive rather than multiplicative: a function that scales to zero has steps with no
//! requests, where multiplicative indices divide by zero; on the taxi slices multiplicative,
//! each tuned, was at most one point of MAPE better.

use super::Smoothing;

/// Seconds in a day and a week, to turn a period into steps.
const DAY_SECONDS: u32 = 86_400;
const WEEK_SECONDS: u32 = 7 * DAY_SECONDS;

/// A streaming seasonal forecaster of one rate.
///
/// Until the first season has been seen it forecasts with level and trend only (Holt's linear
/// method); at the end of the first season the season's values become the seasonal indices
/// (their offsets from the season's mean) and the level their mean. A missing value (NaN,
/// infinite or negative) still moves the clock: the state follows its own forecast, so the
/// seasonal phase stays right across gaps.
#[derive(Debug, Clone)]
pub struct HoltWinters {
    smoothing: Smoothing,
    /// One additive index per step of the season. During the first season it holds the raw
    /// values instead (NaN where missing), so the whole state is one season long.
    season: Vec<f64>,
    /// Steps seen, missing ones included; the next step's place in the season is
    /// `steps % season.len()`.
    steps: u64,
    /// `None` until the first value arrives.
    level: Option<f64>,
    trend: f64,
    /// Whether the seasonal indices are set (a first season with a value has passed).
    seasonal: bool,
    /// The last one-step error of the plain Holt-Winters forecast, decayed over missing steps.
    last_error: f64,
}

impl HoltWinters {
    /// A forecaster whose season is `season_len` steps (a length of 0 is taken as 1).
    pub fn new(season_len: usize, smoothing: Smoothing) -> Self {
        Self {
            smoothing: smoothing.sanitised(),
            season: vec![f64::NAN; season_len.max(1)],
            steps: 0,
            level: None,
            trend: 0.0,
            seasonal: false,
            last_error: 0.0,
        }
    }

    /// A forecaster with a season of one day at steps of `step_seconds`.
    pub fn daily(step_seconds: u32, smoothing: Smoothing) -> Self {
        Self::new(steps_in(DAY_SECONDS, step_seconds), smoothing)
    }

    /// A forecaster with a season of one week at steps of `step_seconds`: it also learns how
    /// weekends differ, but needs a week before its seasonal forecasts and seven times the memory.
    pub fn weekly(step_seconds: u32, smoothing: Smoothing) -> Self {
        Self::new(steps_in(WEEK_SECONDS, step_seconds), smoothing)
    }

    /// Steps in a season.
    pub fn season_len(&self) -> usize {
        self.season.len()
    }

    /// The weights in use (after forcing them into `0..=1`).
    pub fn smoothing(&self) -> Smoothing {
        self.smoothing
    }

    /// Steps seen so far, missing ones included.
    pub fn steps_seen(&self) -> u64 {
        self.steps
    }

    /// Whether forecasts use seasonal indices yet (before that: level and trend only).
    pub fn is_seasonal(&self) -> bool {
        self.seasonal
    }

    /// Takes the next step's value; NaN, infinite and negative values count as missing.
    pub fn update(&mut self, value: f64) {
        let value = (value.is_finite() && value >= 0.0).then_some(value);
        let phase = self.phase(0);
        if self.seasonal {
            self.update_seasonal(phase, value);
        } else {
            self.update_first_season(phase, value);
        }
        self.steps += 1;
        if !self.seasonal && self.phase(0) == 0 {
            self.start_seasons();
        }
    }

    /// The rate expected `steps_ahead` steps after the last update (0 is taken as 1); never
    /// negative, and 0 before any value has been seen.
    pub fn forecast(&self, steps_ahead: usize) -> f64 {
        let Some(level) = self.level else {
            return 0.0;
        };
        let h = steps_ahead.max(1);
        let mut forecast = level + self.smoothing.damped_steps(h) * self.trend;
        if self.seasonal {
            forecast += self.season[self.phase(h - 1)];
            forecast += self.smoothing.error_ar.powi(i32::try_from(h).unwrap_or(i32::MAX)) * self.last_error;
        }
        // `max` also turns a NaN into 0.
        forecast.max(0.0)
    }

    /// The place in the season of the step `offset` steps after the next one.
    fn phase(&self, offset: usize) -> usize {
        let len = self.season.len() as u64;
        ((self.steps % len + offset as u64 % len) % len) as usize
    }

    /// Holt's linear method, keeping the raw value for the seasonal indices.
    fn update_first_season(&mut self, phase: usize, value: Option<f64>) {
        let Smoothing { alpha, beta, phi, .. } = self.smoothing;
        self.season[phase] = value.unwrap_or(f64::NAN);
        match (self.level, value) {
            (None, Some(y)) => self.level = Some(y),
            (Some(level), Some(y)) => {
                let next = alpha * y + (1.0 - alpha) * (level + phi * self.trend);
                self.trend = beta * (next - level) + (1.0 - beta) * phi * self.trend;
                self.level = Some(next);
            }
            (Some(level), None) => {
                self.level = Some(level + phi * self.trend);
                self.trend *= phi;
            }
            (None, None) => {}
        }
    }

    /// At the end of the first season that had a value: indices are the values' offsets from
    /// their mean (0 where missing), the level is that mean and the trend starts flat, since one
    /// season cannot tell a trend from the seasonal shape. A season without values starts over.
    fn start_seasons(&mut self) {
        let (sum, count) = self
            .season
            .iter()
            .filter(|v| !v.is_nan())
            .fold((0.0, 0_u32), |(sum, count), v| (sum + v, count + 1));
        if count == 0 {
            return;
        }
        let mean = sum / f64::from(count);
        for index in &mut self.season {
            *index = if index.is_nan() { 0.0 } else { *index - mean };
        }
        self.level = Some(mean);
        self.trend = 0.0;
        self.seasonal = true;
    }

    fn update_seasonal(&mut self, phase: usize, value: Option<f64>) {
        let Smoothing {
            alpha,
            beta,
            gamma,
            phi,
            error_ar,
        } = self.smoothing;
        // Set by `start_seasons` before `seasonal` is.
        let level = self.level.unwrap_or(0.0);
        let index = self.season[phase];
        let Some(y) = value else {
            self.level = Some(level + phi * self.trend);
            self.trend *= phi;
            self.last_error *= error_ar;
            return;
        };
        self.last_error = y - (level + phi * self.trend + index);
        let next = alpha * (y - index) + (1.0 - alpha) * (level + phi * self.trend);
        self.trend = beta * (next - level) + (1.0 - beta) * phi * self.trend;
        self.season[phase] = gamma * (y - next) + (1.0 - gamma) * index;
        self.level = Some(next);
    }
}

/// Whole steps of `step_seconds` in `period_seconds`, at least 1.
fn steps_in(period_seconds: u32, step_seconds: u32) -> usize {
    (period_seconds / step_seconds.max(1)).max(1) as usize
}
