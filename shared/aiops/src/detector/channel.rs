//! One way of looking at a series (its values one at a time, or its recent windows), with the
//! distance that counts as ordinary learned from the series itself: a window is novel when it is
//! farther from every remembered one than both a share of the series' range and a multiple of the
//! distance its windows usually have to their nearest prototype. So a noisy series needs a larger
//! surprise than a quiet one, and one threshold serves every series.

use super::prototypes::Prototypes;

#[derive(Debug, Clone)]
pub(crate) struct NoveltyChannel {
    memory: Prototypes,
    /// The running mean of the nearest distance, as a share of the range.
    typical: f64,
}

/// How a channel's vigilance is set.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Vigilance {
    /// The share of the series' range a window must differ by at least.
    pub(crate) range_share: f64,
    /// How many times the typical nearest distance it must differ by at least.
    pub(crate) typical_multiple: f64,
    /// The number of recent windows the typical distance is averaged over.
    pub(crate) memory: u64,
}

impl NoveltyChannel {
    pub(crate) fn new(width: usize, prototypes: usize) -> Self {
        Self {
            memory: Prototypes::new(width, prototypes),
            typical: 0.0,
        }
    }

    /// Observes `window`; when it is novel, says how novel: its distance over the typical one.
    /// `points` is how many points the series has had: the typical distance is averaged over
    /// them (up to `vigilance.memory`), counting the points before a window channel's first full
    /// window as distance 0, which keeps a window channel strict while it learns.
    pub(crate) fn observe(&mut self, window: &[f64], range: f64, vigilance: Vigilance, points: u64) -> Option<f64> {
        let threshold = (vigilance.range_share * range).max(vigilance.typical_multiple * self.typical * range);
        let found = self.memory.observe(window, threshold);
        // Nothing remembered yet is as far as it gets: the whole range.
        let distance = if found.distance.is_finite() {
            found.distance / range
        } else {
            1.0
        };
        let weight = 1.0 / points.max(1).min(vigilance.memory.max(1)) as f64;
        self.typical += weight * (distance.min(1.0) - self.typical);
        (found.novel && found.distance.is_finite()).then(|| distance / self.typical.max(1e-6))
    }
}
