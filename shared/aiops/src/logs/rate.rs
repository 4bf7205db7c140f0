//! The rate of one template: lines per fixed bucket, an exponentially weighted mean of past
//! buckets, and whether the current bucket is a burst. A handful of numbers per template whatever
//! the volume, and a verdict as each line arrives, so a burst is reported within its first bucket.

use super::poisson::ln_upper_tail;

/// The thresholds a bucket is judged by.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rules {
    pub(crate) alpha: f64,
    pub(crate) min_count: u64,
    /// `ln` of the largest tail probability that still counts as a burst.
    pub(crate) ln_max_p: f64,
    /// The expected count never goes below this (a template seen once a day is not "never").
    pub(crate) floor: f64,
    pub(crate) warmup_buckets: i64,
}

/// A burst found as a line arrived.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Burst {
    pub(crate) bucket: i64,
    pub(crate) count: u64,
    pub(crate) expected: f64,
    /// `-log10` of the tail probability.
    pub(crate) score: f64,
}

#[derive(Debug, Clone)]
pub(crate) struct Rate {
    first_bucket: i64,
    bucket: i64,
    count: u64,
    /// `None` until a bucket has closed.
    mean: Option<f64>,
    /// Reported, and not back to normal yet: one report per burst.
    in_burst: bool,
    /// The detector's clock at the last line, to forget the least recently seen.
    pub(crate) last_used: u64,
}

impl Rate {
    pub(crate) fn new(bucket: i64) -> Self {
        Self {
            first_bucket: bucket,
            bucket,
            count: 0,
            mean: None,
            in_burst: false,
            last_used: 0,
        }
    }

    /// Counts one line of bucket `bucket` (a late line counts in the current one) and says
    /// whether it makes the bucket a burst. `young_may_fire` lets a template still in its warm-up
    /// fire (error templates: a new error that floods is news).
    pub(crate) fn observe(&mut self, bucket: i64, rules: &Rules, young_may_fire: bool) -> Option<Burst> {
        if bucket > self.bucket {
            self.roll(bucket, rules);
        }
        self.count += 1;
        let young = self.bucket - self.first_bucket < rules.warmup_buckets;
        if self.in_burst || self.count < rules.min_count || (young && !young_may_fire) {
            return None;
        }
        let expected = self.mean.unwrap_or(0.0);
        let ln_p = ln_upper_tail(self.count, expected.max(rules.floor));
        if ln_p >= rules.ln_max_p {
            return None;
        }
        self.in_burst = true;
        Some(Burst {
            bucket: self.bucket,
            count: self.count,
            expected,
            score: -ln_p / std::f64::consts::LN_10,
        })
    }

    /// Closes the current bucket and any empty ones before `bucket`: the burst is over once a
    /// bucket is unremarkable, and the mean moves toward each bucket's count (zeros for the gap).
    fn roll(&mut self, bucket: i64, rules: &Rules) {
        let lambda = self.mean.unwrap_or(0.0).max(rules.floor);
        let remarkable = self.count >= rules.min_count && ln_upper_tail(self.count, lambda) < rules.ln_max_p;
        let gap = bucket - self.bucket - 1;
        if !remarkable || gap > 0 {
            self.in_burst = false;
        }
        let count = self.count as f64;
        let mean = self
            .mean
            .map_or(count, |m| rules.alpha * count + (1.0 - rules.alpha) * m);
        let decay = (1.0 - rules.alpha).powi(i32::try_from(gap.min(10_000)).unwrap_or(10_000));
        self.mean = Some(mean * decay);
        self.bucket = bucket;
        self.count = 0;
    }
}
