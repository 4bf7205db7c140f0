//! Predictive scaling: one [`HoltWinters`] forecaster per HTTP function named in
//! `AIOPS_CAPACITY`, fed that function's request rate at each watch step, and the
//! [`ScalingAdvice`] `GET /api/aiops/scaling/{function}` serves from it.
//!
//! The season is a day at the watch step (1,440 steps at 60 s); the forecast looks
//! [`HORIZON`] ahead, about the time a new replica takes to be scheduled, pulled and ready plus
//! KEDA's polling, so replicas asked for now serve the rate expected when they are up.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use todo_aiops::forecast::{Capacity, HoltWinters, ScalingAdvice, Smoothing};
use todo_kit::settings::ConfigError;

use crate::source::Point;

/// How far ahead the advice plans.
pub const HORIZON: Duration = Duration::from_secs(15 * 60);
/// The share of a replica's capacity to plan for: the headroom absorbs a rise until new
/// replicas are up.
const TARGET_UTILISATION: f64 = 0.7;
/// Bounds of the advice; KEDA applies the ScaledObject's own min and max on top.
const MIN_REPLICAS: u32 = 1;
const MAX_REPLICAS: u32 = 100;
/// Missing steps fed in one go at most (a day): a longer gap restarts nothing, it only stops
/// feeding the forecaster a day's worth of nothing at once.
const MAX_GAP_STEPS: i64 = 1_440;

/// The capacity of each function `AIOPS_CAPACITY` names.
///
/// # Errors
/// [`ConfigError::Invalid`] for an entry that is not `name=rps` with a positive rps.
pub fn parse_capacities(text: &str) -> Result<BTreeMap<String, Capacity>, ConfigError> {
    let invalid = || ConfigError::Invalid {
        name: "AIOPS_CAPACITY",
        value: text.to_owned(),
        expected: "function=rps pairs separated by commas, e.g. task-api=200,chat-api=20",
    };
    let mut capacities = BTreeMap::new();
    for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let (name, rps) = entry.split_once('=').ok_or_else(invalid)?;
        let rps: f64 = rps.trim().parse().map_err(|_| invalid())?;
        let name = name.trim();
        if name.is_empty() || !(rps.is_finite() && rps > 0.0) {
            return Err(invalid());
        }
        capacities.insert(
            name.to_owned(),
            Capacity {
                per_replica_rps: rps,
                target_utilisation: TARGET_UTILISATION,
                min_replicas: MIN_REPLICAS,
                max_replicas: MAX_REPLICAS,
            },
        );
    }
    Ok(capacities)
}

/// One function's forecaster and what it saw last.
#[derive(Debug, Clone)]
struct Forecast {
    capacity: Capacity,
    model: HoltWinters,
    /// The time of the last step fed, unix milliseconds.
    last_at_ms: Option<i64>,
    /// The rate of the last step.
    current: f64,
}

/// The forecasters of every function with a capacity.
#[derive(Debug, Clone)]
pub(crate) struct Forecasts {
    /// The step in milliseconds, at least a second (the season is a day of steps).
    step_ms: i64,
    by_function: BTreeMap<String, Forecast>,
}

impl Forecasts {
    /// A forecaster per function of `capacities`, with a daily season at `step`.
    pub(crate) fn new(capacities: &BTreeMap<String, Capacity>, step: Duration) -> Self {
        // A watch faster than a second (a test of `todo serve`) feeds at most one rate a second: a
        // day of 0.2 s steps would be a season of 432,000 values.
        let seconds = u32::try_from(step.as_secs().max(1)).unwrap_or(60);
        let by_function = capacities
            .iter()
            .map(|(name, capacity)| {
                let forecast = Forecast {
                    capacity: *capacity,
                    model: HoltWinters::daily(seconds, Smoothing::default()),
                    last_at_ms: None,
                    current: 0.0,
                };
                (name.clone(), forecast)
            })
            .collect();
        Self {
            step_ms: i64::from(seconds) * 1000,
            by_function,
        }
    }

    /// Whether `function` has a forecaster (is named in `AIOPS_CAPACITY`).
    pub(crate) fn knows(&self, function: &str) -> bool {
        self.by_function.contains_key(function)
    }

    /// Feeds `function`'s request rate, oldest first; points less than a step after the last one
    /// fed are skipped, and steps missing between two points are fed as missing, so the season
    /// stays in phase.
    pub(crate) fn observe(&mut self, function: &str, points: &[Point]) {
        let step = self.step_ms;
        let Some(forecast) = self.by_function.get_mut(function) else {
            return;
        };
        for point in points {
            if let Some(last) = forecast.last_at_ms {
                if point.at_ms < last + step {
                    continue;
                }
                let missing = ((point.at_ms - last) / step - 1).clamp(0, MAX_GAP_STEPS);
                for _ in 0..missing {
                    forecast.model.update(f64::NAN);
                }
            }
            forecast.model.update(point.value);
            forecast.last_at_ms = Some(point.at_ms);
            forecast.current = point.value;
        }
    }

    /// The advice for `function`, or `None` when it has no capacity. Before any rate has been
    /// seen, it advises the minimum.
    pub(crate) fn advice(&self, function: &str, now: DateTime<Utc>) -> Option<ScalingAdvice> {
        let forecast = self.by_function.get(function)?;
        let steps = usize::try_from(HORIZON.as_secs() / (self.step_ms.unsigned_abs() / 1000).max(1)).unwrap_or(1);
        Some(ScalingAdvice::new(
            function,
            forecast.current,
            forecast.model.forecast(steps.max(1)),
            HORIZON.as_secs(),
            &forecast.capacity,
            now,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacities_parse_as_name_rps_pairs_and_refuse_nonsense() {
        let parsed = parse_capacities(" task-api=200, chat-api = 20 ,").unwrap();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed["chat-api"].per_replica_rps, 20.0);
        for bad in ["task-api", "task-api=fast", "=20", "task-api=0", "task-api=-3"] {
            assert!(parse_capacities(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_advice_follows_the_rate_and_never_falls_below_reactive_scaling() {
        // Arrange: task-api at 200 rps per replica (140 planned), a rate rising to 700 rps.
        let capacities = parse_capacities("task-api=200").unwrap();
        let mut forecasts = Forecasts::new(&capacities, Duration::from_secs(60));
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let idle = forecasts.advice("task-api", now).unwrap();
        let points: Vec<Point> = (0..60)
            .map(|i| Point {
                at_ms: (1_800_000_000 + i * 60) * 1000,
                value: 100.0 + 10.0 * i as f64,
            })
            .collect();

        // Act
        forecasts.observe("task-api", &points);
        let advice = forecasts.advice("task-api", now).unwrap();

        // Assert
        assert_eq!(idle.desired_replicas, 1);
        assert_eq!(advice.current_rps, 690.0);
        assert_eq!(advice.reactive_replicas, 5, "690 / 140 per replica");
        assert!(advice.forecast_rps > advice.current_rps, "{advice:?}");
        assert!(advice.desired_replicas >= advice.reactive_replicas, "{advice:?}");
        assert!(forecasts.advice("backup", now).is_none());
    }
}
