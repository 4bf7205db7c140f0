//! Percentiles of measured samples, one definition for every report and benchmark: linear
//! interpolation between the two closest ranks, as PostgreSQL's `percentile_cont`, so a figure
//! computed here and one the database computes over the same samples agree.

/// Samples in ascending order, read at any percentile.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sorted(Vec<f64>);

impl Sorted {
    /// Sorts `samples` (NaN, which no measurement gives, sorts last).
    pub fn new(samples: impl IntoIterator<Item = f64>) -> Self {
        let mut samples: Vec<f64> = samples.into_iter().collect();
        samples.sort_by(f64::total_cmp);
        Self(samples)
    }

    /// Sorts whole-number samples (durations in µs or s, counts); exact below 2^53.
    #[allow(clippy::cast_precision_loss)]
    #[must_use]
    pub fn of_integers(samples: &[i64]) -> Self {
        Self::new(samples.iter().map(|&sample| sample as f64))
    }

    /// The `p`-th percentile (`p` from 0 to 1, clamped); `None` without samples.
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    #[must_use]
    pub fn percentile(&self, p: f64) -> Option<f64> {
        let last = self.0.len().checked_sub(1)?;
        let rank = p.clamp(0.0, 1.0) * last as f64;
        let below = rank.floor() as usize;
        let above = (below + 1).min(last);
        let (low, high) = (self.0[below], self.0[above]);
        Some(low + (high - low) * (rank - rank.floor()))
    }

    /// The largest sample.
    #[must_use]
    pub fn max(&self) -> Option<f64> {
        self.0.last().copied()
    }

    /// The arithmetic mean.
    #[allow(clippy::cast_precision_loss)]
    #[must_use]
    pub fn mean(&self) -> Option<f64> {
        (!self.0.is_empty()).then(|| self.0.iter().sum::<f64>() / self.0.len() as f64)
    }

    /// How many samples.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_between_ranks_as_percentile_cont() {
        assert_eq!(Sorted::of_integers(&[]).percentile(0.5), None);
        assert_eq!(Sorted::of_integers(&[7]).percentile(0.9), Some(7.0));
        assert_eq!(Sorted::of_integers(&[40, 10, 20, 30]).percentile(0.5), Some(25.0));
        let tens = Sorted::of_integers(&[100, 90, 80, 70, 60, 50, 40, 30, 20, 10]);
        assert_eq!(tens.percentile(0.9), Some(91.0));
        assert_eq!(tens.percentile(0.0), Some(10.0));
        assert_eq!(tens.percentile(1.5), Some(100.0), "p is clamped");
    }

    #[test]
    fn the_summary_figures_read_the_sorted_samples() {
        let samples = Sorted::new([3.0, 1.0, 2.0]);
        assert_eq!(samples.max(), Some(3.0));
        assert_eq!(samples.mean(), Some(2.0));
        assert_eq!(samples.len(), 3);
        assert!(Sorted::new([]).is_empty());
        assert_eq!(Sorted::new([]).mean(), None);
    }
}
