//! A streaming anomaly detector for one metric series: constant memory, and the score of a point
//! uses only the points before and at it.
//!
//! It keeps two bounded memories of what the series has looked like, and reports when it shows
//! something neither has seen:
//! - **values**: a value unlike every remembered value (a spike, a dip, a new level);
//! - **shapes**: the last [`Params::shape_width`] values unlike every remembered window of that
//!   length (a daily pattern that breaks, a flat stretch where it used to move).
//!
//! A value beyond the whole range seen before counts too, in proportion to how far beyond. How
//! novel counts as novel is learned per series (see `channel.rs`), so one threshold fits a noisy
//! series and a quiet one.
//!
//! An anomaly is a *change*: once reported, the detector stays quiet for [`Params::quiet_points`]
//! while the series keeps showing new things, unless something clearly stronger comes
//! ([`Params::stronger_by`]). So an outage is one report, at its start, rather than hundreds.
//!
//! The parameters were chosen on the Numenta Anomaly Benchmark's development corpus
//! (`../shared/data/nab`) by NAB's own scoring (`todo aiops nab`): 68.26 standard against
//! ARTime's 67.85 on the same files. ARTime and the other published detectors are given each
//! file's minimum, maximum and length before they start; this detector is not.

mod channel;
mod prototypes;

use channel::{NoveltyChannel, Vigilance};

use crate::series::Series;

/// The score at and above which the platform treats a point as an anomaly: the threshold NAB's
/// standard profile chooses for this detector on the development corpus (0.397001).
pub const ANOMALY_THRESHOLD: f64 = 0.397;

/// Scores every row of a series with a fresh detector.
pub fn detect(series: &Series) -> Vec<f64> {
    let mut detector = Detector::new(Params::default());
    series
        .epoch_seconds()
        .zip(&series.values)
        .map(|(t, v)| detector.score(t, *v))
        .collect()
}

/// The detector's settings; the defaults are the tuned ones.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// Points seen before anything is reported.
    pub warm_up: u64,
    /// Remembered values.
    pub value_prototypes: usize,
    /// Points in a remembered window.
    pub shape_width: usize,
    /// Remembered windows.
    pub shape_prototypes: usize,
    /// The share of the range a value or window must differ by to be new.
    pub range_share: f64,
    /// How many times its usual nearest distance a value or window must differ by to be new.
    pub typical_multiple: f64,
    /// The points the usual distance is averaged over.
    pub typical_memory: u64,
    /// How much a new shape counts against a new value.
    pub shape_weight: f64,
    /// How much a step beyond the range seen so far counts, per range of distance.
    pub beyond_weight: f64,
    /// Points after a report (or after the last thing new since) before another report.
    pub quiet_points: u64,
    /// A report during the quiet time must be this many times stronger than the last one.
    pub stronger_by: f64,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            warm_up: 100,
            value_prototypes: 128,
            shape_width: 32,
            shape_prototypes: 256,
            range_share: 0.16,
            typical_multiple: 2.0,
            typical_memory: 1000,
            shape_weight: 0.3,
            beyond_weight: 10.0,
            quiet_points: 200,
            stronger_by: 1.25,
        }
    }
}

/// One series' detector: about 70 KB with the default parameters.
#[derive(Debug, Clone)]
pub struct Detector {
    params: Params,
    seen: u64,
    min: f64,
    max: f64,
    values: NoveltyChannel,
    shapes: NoveltyChannel,
    /// The last `shape_width` values, oldest first from `window_start`.
    window: Vec<f64>,
    window_start: usize,
    shape: Vec<f64>,
    since_news: u64,
    last_reported: f64,
}

impl Detector {
    pub fn new(params: Params) -> Self {
        Self {
            values: NoveltyChannel::new(1, params.value_prototypes),
            shapes: NoveltyChannel::new(params.shape_width, params.shape_prototypes),
            window: Vec::with_capacity(params.shape_width),
            window_start: 0,
            shape: Vec::with_capacity(params.shape_width),
            params,
            seen: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            since_news: u64::MAX,
            last_reported: 0.0,
        }
    }

    /// The anomaly score in [0, 1] of the next point (`timestamp` in seconds; a non-finite
    /// value is skipped and scores 0).
    pub fn score(&mut self, _timestamp: i64, value: f64) -> f64 {
        if !value.is_finite() {
            return 0.0;
        }
        self.seen += 1;
        let (old_min, old_max) = (self.min, self.max);
        self.min = self.min.min(value);
        self.max = self.max.max(value);
        let range = (self.max - self.min).max(1e-9);
        let vigilance = Vigilance {
            range_share: self.params.range_share,
            typical_multiple: self.params.typical_multiple,
            memory: self.params.typical_memory,
        };

        let beyond = if self.seen > 2 {
            (value - old_max).max(old_min - value).max(0.0) / (old_max - old_min).max(1e-9)
        } else {
            0.0
        };
        let new_value = self
            .values
            .observe(&[value], range, vigilance, self.seen)
            .unwrap_or(0.0);
        let new_shape = self.observe_shape(value, range, vigilance).unwrap_or(0.0);
        let strength = new_value
            .max(self.params.beyond_weight * beyond)
            .max(self.params.shape_weight * new_shape);

        self.since_news = self.since_news.saturating_add(1);
        if self.seen < self.params.warm_up || strength <= 0.0 {
            return 0.0;
        }
        if self.since_news <= self.params.quiet_points && strength < self.last_reported * self.params.stronger_by {
            // Still the same change: stay quiet, and for longer.
            self.since_news = 0;
            return 0.0;
        }
        self.since_news = 0;
        self.last_reported = strength;
        strength / (strength + 1.0)
    }

    /// Adds `value` to the window; once it is full, matches it against the remembered shapes.
    fn observe_shape(&mut self, value: f64, range: f64, vigilance: Vigilance) -> Option<f64> {
        let width = self.params.shape_width;
        if self.window.len() < width {
            self.window.push(value);
        } else {
            self.window[self.window_start] = value;
            self.window_start = (self.window_start + 1) % width;
        }
        if self.window.len() < width {
            return None;
        }
        self.shape.clear();
        self.shape.extend_from_slice(&self.window[self.window_start..]);
        self.shape.extend_from_slice(&self.window[..self.window_start]);
        self.shapes.observe(&self.shape, range, vigilance, self.seen)
    }
}
