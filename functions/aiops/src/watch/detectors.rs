//! One [`Detector`] per (component, series), bounded: past the cap, the series seen least
//! recently loses its detector (a pod's series after a redeploy, a consumer group that went away),
//! and starts over should it come back.

use std::collections::HashMap;

use chrono::DateTime;
use todo_aiops::detector::{ANOMALY_THRESHOLD, Detector, Params};

use crate::source::{Point, Series};
use crate::state::Anomaly;

/// A detector and where its series stands.
#[derive(Debug)]
struct Tracked {
    detector: Detector,
    /// The time of the last point scored (unix milliseconds); later fetches may overlap it.
    last_at_ms: i64,
    /// When it was last used, in calls to [`Detectors::score`].
    used: u64,
}

/// The detectors of every series the watch follows.
#[derive(Debug)]
pub(crate) struct Detectors {
    cap: usize,
    calls: u64,
    by_series: HashMap<(String, Series), Tracked>,
}

impl Detectors {
    /// At most `cap` detectors (at least one).
    pub(crate) fn new(cap: usize) -> Self {
        Self {
            cap: cap.max(1),
            calls: 0,
            by_series: HashMap::new(),
        }
    }

    /// How many series have a detector.
    pub(crate) fn len(&self) -> usize {
        self.by_series.len()
    }

    /// Scores the points of `component`'s `series` not scored before, oldest first; returns how
    /// many it scored and those at or above the threshold. Points at or before `quiet_until_ms`
    /// (unix milliseconds) are scored only to learn from (the warm-up of a first fetch of history).
    pub(crate) fn score(
        &mut self,
        component: &str,
        series: Series,
        points: &[Point],
        quiet_until_ms: i64,
    ) -> (usize, Vec<Anomaly>) {
        self.calls += 1;
        let key = (component.to_owned(), series);
        if !self.by_series.contains_key(&key) && self.by_series.len() >= self.cap {
            self.evict_least_recently_seen();
        }
        let calls = self.calls;
        let tracked = self.by_series.entry(key).or_insert_with(|| Tracked {
            detector: Detector::new(Params::default()),
            last_at_ms: i64::MIN,
            used: calls,
        });
        tracked.used = calls;
        let (mut scored, mut found) = (0, Vec::new());
        for point in points {
            if point.at_ms <= tracked.last_at_ms {
                continue;
            }
            scored += 1;
            // The detector ignores the time; it wants seconds.
            let score = tracked.detector.score(point.at_ms.div_euclid(1000), point.value);
            tracked.last_at_ms = point.at_ms;
            if score >= ANOMALY_THRESHOLD && point.at_ms > quiet_until_ms {
                found.push(Anomaly {
                    component: component.to_owned(),
                    series: series.name().to_owned(),
                    at: DateTime::from_timestamp_millis(point.at_ms).unwrap_or_default(),
                    value: point.value,
                    score,
                    template: None,
                    silenced: false,
                });
            }
        }
        (scored, found)
    }

    fn evict_least_recently_seen(&mut self) {
        let oldest = self
            .by_series
            .iter()
            .min_by_key(|(_, tracked)| tracked.used)
            .map(|(key, _)| key.clone());
        if let Some(key) = oldest {
            tracing::debug!(component = %key.0, series = key.1.name(), "dropping the detector of the series seen least recently");
            self.by_series.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_the_cap_the_series_seen_least_recently_is_dropped_and_starts_over() {
        let mut detectors = Detectors::new(2);
        let point = [Point {
            at_ms: 60_000,
            value: 1.0,
        }];
        detectors.score("a", Series::RequestRate, &point, 0);
        detectors.score("b", Series::RequestRate, &point, 0);
        detectors.score("a", Series::RequestRate, &point, 0);
        detectors.score("c", Series::RequestRate, &point, 0);
        assert_eq!(detectors.len(), 2);
        assert!(detectors.by_series.contains_key(&("a".into(), Series::RequestRate)));
        assert!(!detectors.by_series.contains_key(&("b".into(), Series::RequestRate)));
    }
}
