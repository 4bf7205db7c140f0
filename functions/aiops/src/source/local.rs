//! [`LocalSource`]: the same figures from this process's own registry, for `todo serve`, which
//! runs every function in one process and no Prometheus. Each fetch reads the registry once and
//! gives one point at the window's end: gauges as they are, counters and histograms as their
//! change since the previous fetch of the same series (what `rate()` and `histogram_quantile()`
//! over one step would give), so the first fetch of a rate gives none. Times are milliseconds: a
//! test may run the watch every 0.2 s.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use async_trait::async_trait;
use prometheus::proto::MetricFamily;

use super::{MetricSource, Point, Samples, Series, Window};
use crate::Result;

/// Cumulative HTTP figures of one service at one time.
#[derive(Debug, Clone, Default, PartialEq)]
struct HttpTotals {
    requests: f64,
    errors: f64,
    /// `(upper bound, cumulative count)`, the `+Inf` bucket last.
    buckets: Vec<(f64, f64)>,
}

/// What one read of the registry found, for the next fetch to take differences from.
#[derive(Debug, Clone, Default)]
struct Reading {
    at_ms: i64,
    http: BTreeMap<String, HttpTotals>,
    /// Events dead-lettered so far, per consumer.
    dead_letters: BTreeMap<String, f64>,
}

/// This process's figures.
#[derive(Debug)]
pub struct LocalSource {
    /// The component this process's resident memory is reported under (`todo-serve`).
    process: String,
    /// The previous reading per series (each series is fetched on its own).
    // A std Mutex: held to swap a value, never across an await.
    previous: Mutex<HashMap<Series, Reading>>,
}

impl LocalSource {
    /// A source that names this process's memory `process`.
    #[must_use]
    pub fn new(process: impl Into<String>) -> Self {
        Self {
            process: process.into(),
            previous: Mutex::default(),
        }
    }

    /// Keeps `now` as the reading of `series` and returns the one before it; `None` for the first
    /// reading, or for a second one at the same time (which keeps the older reading, so the next
    /// step's difference still counts everything).
    fn swap_reading(&self, series: Series, now: Reading) -> Option<Reading> {
        let mut previous = self.previous.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if previous.get(&series).is_some_and(|b| b.at_ms >= now.at_ms) {
            return None;
        }
        previous.insert(series, now)
    }

    /// The point of `series` at `at_ms` (unix milliseconds) from `families`, per component.
    fn read(&self, series: Series, at_ms: i64, families: &[MetricFamily]) -> Samples {
        let mut samples = Samples::new();
        let mut put = |component: &str, value: f64| {
            if value.is_finite() {
                samples.insert(component.to_owned(), vec![Point { at_ms, value }]);
            }
        };
        // A counter that went down was reset (a restart): count from zero.
        let delta = |new: f64, old: f64| if new >= old { new - old } else { new };
        match series {
            Series::RequestRate | Series::ErrorRatio | Series::P99LatencySeconds => {
                let now = Reading {
                    at_ms,
                    http: http_totals(families),
                    ..Reading::default()
                };
                let Some(before) = self.swap_reading(series, now.clone()) else {
                    return samples;
                };
                let seconds = (at_ms - before.at_ms) as f64 / 1000.0;
                for (service, totals) in &now.http {
                    let old = before.http.get(service).cloned().unwrap_or_default();
                    let requests = delta(totals.requests, old.requests);
                    match series {
                        Series::RequestRate => put(service, requests / seconds),
                        Series::ErrorRatio if requests > 0.0 => {
                            put(service, delta(totals.errors, old.errors) / requests)
                        }
                        Series::P99LatencySeconds => {
                            let buckets: Vec<(f64, f64)> = totals
                                .buckets
                                .iter()
                                .map(|&(le, count)| {
                                    let was = old.buckets.iter().find(|b| b.0 == le).map_or(0.0, |b| b.1);
                                    (le, delta(count, was))
                                })
                                .collect();
                            if let Some(p99) = quantile(0.99, &buckets) {
                                put(service, p99);
                            }
                        }
                        _ => {}
                    }
                }
            }
            Series::DeadLetterRate => {
                let now = Reading {
                    at_ms,
                    dead_letters: dead_letter_totals(families),
                    ..Reading::default()
                };
                let Some(before) = self.swap_reading(series, now.clone()) else {
                    return samples;
                };
                let seconds = (at_ms - before.at_ms) as f64 / 1000.0;
                for (consumer, total) in &now.dead_letters {
                    let old = before.dead_letters.get(consumer).copied().unwrap_or_default();
                    put(consumer, delta(*total, old) / seconds);
                }
            }
            Series::ConsumerLag => {
                let mut lag: BTreeMap<String, f64> = BTreeMap::new();
                for (labels, value) in gauges(families, "kafka_consumer_lag") {
                    if let Some(group) = labels.get("consumer_group") {
                        *lag.entry(group.clone()).or_default() += value;
                    }
                }
                lag.iter().for_each(|(group, value)| put(group, *value));
            }
            Series::OutboxAgeSeconds => {
                let mut age: BTreeMap<String, f64> = BTreeMap::new();
                for (labels, value) in gauges(families, "outbox_oldest_pending_seconds") {
                    if let Some(service) = labels.get("service") {
                        let oldest = age.entry(service.clone()).or_default();
                        *oldest = oldest.max(value);
                    }
                }
                age.iter().for_each(|(service, value)| put(service, *value));
            }
            Series::RssBytes => {
                if let Some((_, rss)) = gauges(families, "process_resident_memory_bytes").next() {
                    put(&self.process, rss);
                }
            }
        }
        samples
    }
}

#[async_trait]
impl MetricSource for LocalSource {
    async fn fetch(&self, series: Series, window: Window) -> Result<Samples> {
        let families = todo_kit::metrics::metrics().gather();
        Ok(self.read(series, window.end.timestamp_millis(), &families))
    }
}

/// The labels of one metric, by name.
fn labels(metric: &prometheus::proto::Metric) -> BTreeMap<String, String> {
    metric
        .get_label()
        .iter()
        .map(|l| (l.name().to_owned(), l.value().to_owned()))
        .collect()
}

/// Every gauge of family `name`, with its labels.
fn gauges<'a>(
    families: &'a [MetricFamily],
    name: &'a str,
) -> impl Iterator<Item = (BTreeMap<String, String>, f64)> + 'a {
    families
        .iter()
        .filter(move |f| f.name() == name)
        .flat_map(|f| f.get_metric())
        .map(|m| (labels(m), m.get_gauge().get_value()))
}

/// `events_dead_lettered_total` summed by `service` (the consumer) over topics, with 0 for every
/// consumer that has consumed anything (`events_consumed_total`) or joined its group (the kit
/// creates its dead-letter counters at 0 then), so a consumer's first dead letter is a change
/// from a known 0 rather than the start of a series.
fn dead_letter_totals(families: &[MetricFamily]) -> BTreeMap<String, f64> {
    let mut totals: BTreeMap<String, f64> = BTreeMap::new();
    for family in families {
        let dead_lettered = match family.name() {
            "events_dead_lettered_total" => true,
            "events_consumed_total" => false,
            _ => continue,
        };
        for metric in family.get_metric() {
            let Some(service) = labels(metric).remove("service") else {
                continue;
            };
            let total = totals.entry(service).or_default();
            if dead_lettered {
                *total += metric.get_counter().get_value();
            }
        }
    }
    totals
}

/// `http_requests_total` and `http_request_duration_seconds` summed by `service` over endpoints,
/// methods and statuses.
fn http_totals(families: &[MetricFamily]) -> BTreeMap<String, HttpTotals> {
    let mut totals: BTreeMap<String, HttpTotals> = BTreeMap::new();
    for family in families {
        for metric in family.get_metric() {
            let labels = labels(metric);
            let Some(service) = labels.get("service") else { continue };
            let entry = totals.entry(service.clone()).or_default();
            match family.name() {
                "http_requests_total" => {
                    let count = metric.get_counter().get_value();
                    entry.requests += count;
                    if labels.get("status").is_some_and(|s| s.starts_with('5')) {
                        entry.errors += count;
                    }
                }
                "http_request_duration_seconds" => {
                    let histogram = metric.get_histogram();
                    let bounds = histogram
                        .get_bucket()
                        .iter()
                        .map(|b| (b.upper_bound(), b.cumulative_count() as f64))
                        .chain(std::iter::once((f64::INFINITY, histogram.get_sample_count() as f64)));
                    for (le, count) in bounds {
                        match entry.buckets.iter_mut().find(|b| b.0 == le) {
                            Some(bucket) => bucket.1 += count,
                            None => entry.buckets.push((le, count)),
                        }
                    }
                }
                _ => {}
            }
        }
    }
    totals
}

/// The `q` quantile of cumulative `buckets` (upper bound ascending, `+Inf` last), interpolated
/// linearly within its bucket as Prometheus' `histogram_quantile` does; `None` without
/// observations. A quantile in the `+Inf` bucket is the largest finite bound.
fn quantile(q: f64, buckets: &[(f64, f64)]) -> Option<f64> {
    let total = buckets.last()?.1;
    if total <= 0.0 {
        return None;
    }
    let rank = q * total;
    let (mut lower, mut below) = (0.0, 0.0);
    for &(upper, count) in buckets {
        if count >= rank {
            if upper.is_infinite() {
                return Some(lower);
            }
            let share = if count > below {
                (rank - below) / (count - below)
            } else {
                0.0
            };
            return Some(lower + (upper - lower) * share);
        }
        (lower, below) = (upper, count);
    }
    Some(lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quantile_interpolates_within_its_bucket_as_prometheus_does() {
        // 100 observations: 50 under 0.1 s, 40 more under 0.5 s, 10 more under 1 s.
        let buckets = [(0.1, 50.0), (0.5, 90.0), (1.0, 100.0), (f64::INFINITY, 100.0)];
        assert_eq!(quantile(0.5, &buckets), Some(0.1));
        let p99 = quantile(0.99, &buckets).unwrap();
        assert!((p99 - 0.95).abs() < 1e-9, "{p99}");
        assert_eq!(quantile(0.99, &[(0.1, 0.0), (f64::INFINITY, 0.0)]), None);
        assert_eq!(quantile(0.99, &[(0.1, 1.0), (f64::INFINITY, 100.0)]), Some(0.1));
    }

    #[test]
    fn a_rate_is_the_change_since_the_previous_fetch_of_that_series() {
        // Arrange: requests of a service of this test's own, in the process registry.
        let source = LocalSource::new("test-process");
        let requests = &todo_kit::metrics::metrics().http_requests;
        let counted = |status: &str| requests.with_label_values(&["local-source-test", "/x", "GET", status]);
        counted("200").inc_by(10);
        let first = source.read(Series::RequestRate, 1_000_000, &todo_kit::metrics::metrics().gather());
        let _ = source.read(Series::ErrorRatio, 1_000_000, &todo_kit::metrics::metrics().gather());

        // Act: 50 more in 10 s, 5 of them failed.
        counted("200").inc_by(45);
        counted("503").inc_by(5);
        let families = todo_kit::metrics::metrics().gather();
        let rate = source.read(Series::RequestRate, 1_010_000, &families);
        let errors = source.read(Series::ErrorRatio, 1_010_000, &families);
        let rss = source.read(Series::RssBytes, 1_010_000, &families);
        let again = source.read(Series::RequestRate, 1_010_000, &families);
        counted("200").inc_by(20);
        // A fifth of a second later: a watch may step faster than a second.
        let next = source.read(Series::RequestRate, 1_010_200, &todo_kit::metrics::metrics().gather());

        // Assert
        assert!(first.is_empty(), "no rate from one reading: {first:?}");
        assert_eq!(
            rate["local-source-test"],
            [Point {
                at_ms: 1_010_000,
                value: 5.0
            }]
        );
        assert_eq!(
            errors["local-source-test"],
            [Point {
                at_ms: 1_010_000,
                value: 0.1
            }]
        );
        assert!(
            again.is_empty(),
            "a second read at the same time gives nothing: {again:?}"
        );
        assert_eq!(
            next["local-source-test"],
            [Point {
                at_ms: 1_010_200,
                value: 100.0
            }]
        );
        #[cfg(target_os = "linux")]
        assert!(rss["test-process"][0].value > 1e6, "{rss:?}");
    }

    #[test]
    fn a_consumer_dead_letters_at_zero_per_second_until_it_gives_up_on_an_event() {
        // Arrange: a consumer of this test's own whose dead-letter counter exists at 0.
        let source = LocalSource::new("test-process");
        let dead_lettered = || {
            todo_kit::metrics::metrics().events_dead_lettered.with_label_values(&[
                "local-dead-letter-test",
                "local-dead-letter-test",
                "task-events",
            ])
        };
        let _ = dead_lettered();
        let read = |at_ms| source.read(Series::DeadLetterRate, at_ms, &todo_kit::metrics::metrics().gather());
        let first = read(2_000_000);

        // Act
        let quiet = read(2_000_500);
        dead_lettered().inc_by(2);
        let failing = read(2_001_000);

        // Assert
        assert!(first.is_empty(), "no rate from one reading: {first:?}");
        assert_eq!(
            quiet["local-dead-letter-test"],
            [Point {
                at_ms: 2_000_500,
                value: 0.0
            }]
        );
        assert_eq!(
            failing["local-dead-letter-test"],
            [Point {
                at_ms: 2_001_000,
                value: 4.0
            }]
        );
    }
}
