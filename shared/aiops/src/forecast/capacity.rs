//! Replicas for a rate: reactive (for the rate now) and predictive (also for the forecast).

use serde::{Deserialize, Serialize};

/// What one replica of a function can serve, and the bounds its autoscaler keeps to.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Capacity {
    /// Requests per second one replica serves at full load (measured, e.g. by `make bench`).
    pub per_replica_rps: f64,
    /// The share of `per_replica_rps` to plan for, e.g. 0.7: the headroom absorbs a rise until
    /// new replicas are up.
    pub target_utilisation: f64,
    pub min_replicas: u32,
    pub max_replicas: u32,
}

impl Capacity {
    /// `ceil(rps / (per_replica_rps * target_utilisation))`, kept within the bounds (where they
    /// cross, `min_replicas` wins). A NaN or negative rate needs no replica; a capacity that is not
    /// positive cannot be planned with, so it asks for `max_replicas`.
    pub fn replicas_for(&self, rps: f64) -> u32 {
        let per_replica = self.per_replica_rps * self.target_utilisation;
        let needed = if !(per_replica.is_finite() && per_replica > 0.0) {
            self.max_replicas
        } else if rps.is_nan() || rps <= 0.0 {
            0
        } else {
            // `as` saturates: an infinite rate asks for `u32::MAX`, then `max_replicas`.
            (rps / per_replica).ceil() as u32
        };
        needed.min(self.max_replicas).max(self.min_replicas)
    }

    /// Replicas for the forecast rate, but never fewer than for the current one: a forecast
    /// may be wrong low, and reactive scaling is the floor.
    pub fn predictive_replicas(&self, current_rps: f64, forecast_rps: f64) -> u32 {
        self.replicas_for(forecast_rps).max(self.replicas_for(current_rps))
    }

    /// The rate `replicas` serve at full load; more than this is under-provisioning.
    pub fn full_load_rps(&self, replicas: u32) -> f64 {
        f64::from(replicas) * self.per_replica_rps
    }
}
