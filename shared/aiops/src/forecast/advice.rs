//! The advice an autoscaler reads: KEDA's metrics-api scaler polls
//! `GET /api/aiops/scaling/{function}` with `valueLocation: desired_replicas` and
//! `targetValue: 1`, so the HPA's `ceil(value / target)` is `desired_replicas` itself.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Capacity;

/// One function's scaling advice, as the endpoint serialises it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct ScalingAdvice {
    pub function: String,
    /// The rate of the last step, requests per second.
    pub current_rps: f64,
    /// The rate forecast `horizon_seconds` ahead, requests per second.
    pub forecast_rps: f64,
    pub horizon_seconds: u64,
    /// Replicas for the larger of the two rates: what the scaler should run.
    pub desired_replicas: u32,
    /// Replicas for the current rate alone, to show what the forecast adds.
    pub reactive_replicas: u32,
    pub generated_at: DateTime<Utc>,
}

impl ScalingAdvice {
    /// Advice from a rate and its forecast. Rates that are NaN, infinite or negative are
    /// reported as 0 (JSON has no NaN) and need no replicas beyond `min_replicas`.
    pub fn new(
        function: impl Into<String>,
        current_rps: f64,
        forecast_rps: f64,
        horizon_seconds: u64,
        capacity: &Capacity,
        generated_at: DateTime<Utc>,
    ) -> Self {
        let current_rps = rate_or_zero(current_rps);
        let forecast_rps = rate_or_zero(forecast_rps);
        Self {
            function: function.into(),
            current_rps,
            forecast_rps,
            horizon_seconds,
            desired_replicas: capacity.predictive_replicas(current_rps, forecast_rps),
            reactive_replicas: capacity.replicas_for(current_rps),
            generated_at,
        }
    }
}

fn rate_or_zero(rps: f64) -> f64 {
    if rps.is_finite() { rps.max(0.0) } else { 0.0 }
}
