//! Replays a trace step by step, as the `aiops` function would see it live, and scores the
//! forecast and the two scaling policies against what came next.
//!
//! At each step `t - h` the forecaster takes that step's rate, then both policies choose the
//! replicas that will be serving at step `t`: `h` steps is the lag of a reactive autoscaler
//! plus pod start. Reactive chooses for the rate at `t - h`; predictive for the larger of that
//! rate and the forecast for `t`. Nothing after `t - h` is used for the choice.

use std::collections::VecDeque;

use super::report::{BacktestReport, PolicyOutcome};
use super::{Capacity, HoltWinters, Trace};

/// How to replay a trace.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backtest {
    /// Steps between a decision and the step it serves (0 is taken as 1).
    pub horizon_steps: usize,
    /// Leading steps the forecaster learns from without being scored; at least one season, so
    /// the seasonal indices exist (the report says how many).
    pub warmup_steps: usize,
    pub capacity: Capacity,
    /// Actual rates below this (requests per second) are left out of the MAPE, where a tiny
    /// denominator would dominate it; they still count for provisioning.
    pub mape_floor_rps: f64,
}

/// What was decided at `t - h` for step `t`.
#[derive(Debug, Clone, Copy)]
struct Decision {
    forecast: f64,
    /// The last rate seen by `t - h` (held over gaps), `None` before the first one.
    observed: Option<f64>,
    reactive: u32,
    predictive: u32,
}

/// Running sums of the scored steps.
#[derive(Debug, Default)]
struct Tally {
    scored: usize,
    missing_actual: usize,
    below_floor: usize,
    forecast_error: f64,
    persistence_error: f64,
    persistence_points: usize,
    mape_points: usize,
    reactive: PolicyOutcome,
    predictive: PolicyOutcome,
}

impl Backtest {
    /// Replays `trace` through `forecaster`, which should not have seen any value yet.
    pub fn run(&self, trace: &Trace, mut forecaster: HoltWinters) -> BacktestReport {
        let horizon = self.horizon_steps.max(1);
        let step_minutes = trace.step_minutes();
        let mut pending: VecDeque<Decision> = VecDeque::with_capacity(horizon + 1);
        let mut observed = None;
        let mut tally = Tally::default();
        for (step, &actual) in trace.rates.iter().enumerate() {
            // Made at `step - horizon`, before this step's value was known.
            if step >= horizon
                && let Some(decision) = pending.pop_front()
                && step >= self.warmup_steps
            {
                self.score(&mut tally, decision, actual, step_minutes);
            }
            forecaster.update(actual);
            if actual.is_finite() && actual >= 0.0 {
                observed = Some(actual);
            }
            let forecast = forecaster.forecast(horizon);
            let current = observed.unwrap_or(0.0);
            pending.push_back(Decision {
                forecast,
                observed,
                reactive: self.capacity.replicas_for(current),
                predictive: self.capacity.predictive_replicas(current, forecast),
            });
        }
        let smoothing = forecaster.smoothing();
        BacktestReport {
            season_steps: forecaster.season_len(),
            smoothing,
            capacity: self.capacity,
            step_seconds: trace.step_seconds,
            horizon_steps: horizon,
            horizon_minutes: horizon as f64 * step_minutes,
            steps: trace.len(),
            warmup_steps: self.warmup_steps.min(trace.len()),
            scored_steps: tally.scored,
            missing_actual: tally.missing_actual,
            mape_floor_rps: self.mape_floor_rps,
            below_mape_floor: tally.below_floor,
            mape_percent: percent(tally.forecast_error, tally.mape_points),
            persistence_mape_percent: percent(tally.persistence_error, tally.persistence_points),
            reactive: tally.reactive,
            predictive: tally.predictive,
        }
    }

    fn score(&self, tally: &mut Tally, decision: Decision, actual: f64, step_minutes: f64) {
        tally.scored += 1;
        // The replicas ran whether or not the step's rate was recorded.
        tally.reactive.replica_minutes += f64::from(decision.reactive) * step_minutes;
        tally.predictive.replica_minutes += f64::from(decision.predictive) * step_minutes;
        if !(actual.is_finite() && actual >= 0.0) {
            tally.missing_actual += 1;
            return;
        }
        for (outcome, replicas) in [
            (&mut tally.reactive, decision.reactive),
            (&mut tally.predictive, decision.predictive),
        ] {
            if actual > self.capacity.full_load_rps(replicas) {
                outcome.under_provisioned_steps += 1;
                outcome.under_provisioned_minutes += step_minutes;
            }
        }
        if actual < self.mape_floor_rps || actual == 0.0 {
            tally.below_floor += 1;
            return;
        }
        tally.mape_points += 1;
        tally.forecast_error += (decision.forecast - actual).abs() / actual;
        if let Some(observed) = decision.observed {
            tally.persistence_points += 1;
            tally.persistence_error += (observed - actual).abs() / actual;
        }
    }
}

fn percent(error_sum: f64, points: usize) -> Option<f64> {
    (points > 0).then(|| 100.0 * error_sum / points as f64)
}
