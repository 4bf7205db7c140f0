//! The correlator's knobs, with the defaults the issue names.

use chrono::TimeDelta;

/// How the correlator groups signals and how much it remembers.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrelationSettings {
    /// A signal joins an incident when it started at most this long before its first or after its
    /// latest signal.
    pub window: TimeDelta,
    /// How many dependency hops may lie between a signal's component and one of the incident's.
    pub max_hops: usize,
    /// An anomaly that has not been reported again for this long counts as ended (at its last report).
    pub anomaly_quiet: TimeDelta,
    /// A firing alert that Alertmanager has not re-sent for this long counts as ended (at its last
    /// notification): its resolve was lost, or aiops was down when it went. Alertmanager re-sends a
    /// firing alert every `repeat_interval` (1 h on aiops' route), so this is two and a half of them.
    pub alert_stale: TimeDelta,
    /// How much later than a dependent component the root cause may start and still count as first.
    pub order_tolerance: TimeDelta,
    /// How many resolved or merged incidents are kept.
    pub history: usize,
}

impl Default for CorrelationSettings {
    fn default() -> Self {
        Self {
            window: TimeDelta::minutes(10),
            max_hops: 2,
            anomaly_quiet: TimeDelta::minutes(15),
            alert_stale: TimeDelta::minutes(150),
            order_tolerance: TimeDelta::seconds(60),
            history: 500,
        }
    }
}
