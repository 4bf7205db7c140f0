//! What a backtest measured, as JSON (serde) and as a small table (`Display`).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Capacity, Smoothing};

/// One scaling policy over the scored steps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct PolicyOutcome {
    /// Steps whose actual rate was above the replicas' full-load rate.
    pub under_provisioned_steps: usize,
    /// The same, in minutes of trace time.
    pub under_provisioned_minutes: f64,
    /// Replicas times minutes: what the policy costs.
    pub replica_minutes: f64,
}

/// The result of [`Backtest::run`](super::Backtest::run).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacktestReport {
    pub season_steps: usize,
    pub smoothing: Smoothing,
    pub capacity: Capacity,
    pub step_seconds: u32,
    pub horizon_steps: usize,
    pub horizon_minutes: f64,
    /// Steps in the trace, missing ones included.
    pub steps: usize,
    /// Leading steps not scored: the forecaster was still learning its first season(s).
    pub warmup_steps: usize,
    /// Steps scored: after the warm-up and at least one horizon in.
    pub scored_steps: usize,
    /// Scored steps without a recorded rate: replica-minutes only.
    pub missing_actual: usize,
    pub mape_floor_rps: f64,
    /// Scored steps left out of the MAPE because the actual rate was below `mape_floor_rps`.
    pub below_mape_floor: usize,
    /// Mean absolute percentage error of the forecast `horizon_steps` ahead; `None` without points.
    pub mape_percent: Option<f64>,
    /// The same for persistence (the rate at `t - h` as the guess for `t`), what reactive
    /// scaling assumes; the forecast has skill if it does better.
    pub persistence_mape_percent: Option<f64>,
    /// Replicas for the rate at `t - h`.
    pub reactive: PolicyOutcome,
    /// Replicas for the larger of the forecast for `t` and the rate at `t - h`.
    pub predictive: PolicyOutcome,
}

impl fmt::Display for BacktestReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let step_minutes = f64::from(self.step_seconds) / 60.0;
        let mape = |value: Option<f64>| value.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.2} %"));
        writeln!(
            f,
            "Holt-Winters (additive, damped, AR(1) error), season {} steps of {step_minutes} min, \
             horizon {} step(s) = {} min",
            self.season_steps, self.horizon_steps, self.horizon_minutes
        )?;
        writeln!(
            f,
            "{} steps: first {} are warm-up (not scored), {} scored, {} without a value, \
             {} below {} rps left out of MAPE",
            self.steps,
            self.warmup_steps,
            self.scored_steps,
            self.missing_actual,
            self.below_mape_floor,
            self.mape_floor_rps
        )?;
        writeln!(
            f,
            "MAPE {} min ahead: forecast {}, persistence (current rate) {}",
            self.horizon_minutes,
            mape(self.mape_percent),
            mape(self.persistence_mape_percent)
        )?;
        writeln!(
            f,
            "capacity {} rps per replica, target {:.0} %, replicas {}..={}",
            self.capacity.per_replica_rps,
            self.capacity.target_utilisation * 100.0,
            self.capacity.min_replicas,
            self.capacity.max_replicas
        )?;
        writeln!(
            f,
            "{:<12} {:>26} {:>16}",
            "policy", "under-provisioned", "replica-minutes"
        )?;
        for (name, outcome) in [("reactive", &self.reactive), ("predictive", &self.predictive)] {
            writeln!(
                f,
                "{name:<12} {:>13} min ({:>5} steps) {:>16.0}",
                outcome.under_provisioned_minutes, outcome.under_provisioned_steps, outcome.replica_minutes
            )?;
        }
        Ok(())
    }
}
