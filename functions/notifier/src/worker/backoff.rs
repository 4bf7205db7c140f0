//! When to try a failed delivery again: exponential backoff with full jitter (a uniformly random
//! pause between zero and `base * 2^(n-1)`, capped), so endpoints that come back after an outage
//! are not hit by every queued delivery at the same moment.

use std::time::Duration;

use rand::Rng;

/// The pause after the `attempts`-th failed request (1 for the first).
pub(crate) fn backoff(base: Duration, cap: Duration, attempts: i32) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1)).unwrap_or(0).min(32);
    let ceiling = base.saturating_mul(2_u32.saturating_pow(doublings)).min(cap);
    let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(rand::rng().random_range(0..=millis))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pause_stays_under_the_doubling_ceiling_and_the_cap() {
        let (base, cap) = (Duration::from_secs(5), Duration::from_secs(3600));
        for attempts in 1..40 {
            let pause = backoff(base, cap, attempts);
            let ceiling = (base * 2_u32.pow(u32::try_from(attempts - 1).unwrap_or(0).min(20))).min(cap);
            assert!(pause <= ceiling, "attempt {attempts}: {pause:?} > {ceiling:?}");
        }
    }
}
