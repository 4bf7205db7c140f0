//! The Poisson upper tail, in logs: how surprising `k` lines in a bucket are when `lambda` are
//! expected. Kept in log space so that a flood (k in the thousands) gives a finite score instead
//! of a probability that underflows to 0.

/// `ln P(X >= k)` for `X ~ Poisson(lambda)`. At or below the mean the tail is about one half or
/// more; only small tails matter here, so that case is reported as `ln 1 = 0`.
pub(crate) fn ln_upper_tail(k: u64, lambda: f64) -> f64 {
    if k == 0 || k as f64 <= lambda {
        return 0.0;
    }
    let lambda = lambda.max(f64::MIN_POSITIVE);
    let ln_first = -lambda + k as f64 * lambda.ln() - ln_factorial(k);
    // P(X >= k) = P(X = k) * (1 + lambda/(k+1) + lambda^2/((k+1)(k+2)) + ...); the terms shrink
    // geometrically because k > lambda.
    let mut sum = 1.0;
    let mut term = 1.0;
    let mut i = k;
    while term > sum * 1e-17 && i < k + 100_000 {
        i += 1;
        term *= lambda / i as f64;
        sum += term;
    }
    (ln_first + sum.ln()).min(0.0)
}

/// `ln k!`: exact below 64, Stirling's series above (error below 1e-10 there).
fn ln_factorial(k: u64) -> f64 {
    if k < 64 {
        return (2..=k).map(|i| (i as f64).ln()).sum();
    }
    let n = k as f64;
    n * n.ln() - n + 0.5 * (2.0 * std::f64::consts::PI * n).ln() + 1.0 / (12.0 * n) - 1.0 / (360.0 * n.powi(3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_exact_tail_for_small_counts() {
        // P(X >= 5 | 1) = 1 - e^-1 (1 + 1 + 1/2 + 1/6 + 1/24)
        let exact = 1.0 - (-1.0f64).exp() * (1.0 + 1.0 + 0.5 + 1.0 / 6.0 + 1.0 / 24.0);
        assert!((ln_upper_tail(5, 1.0).exp() - exact).abs() < 1e-12);
        // P(X >= 1 | 0.05) = 1 - e^-0.05
        assert!((ln_upper_tail(1, 0.05).exp() - (1.0 - (-0.05f64).exp())).abs() < 1e-12);
    }

    #[test]
    fn stays_finite_for_a_flood() {
        let ln_p = ln_upper_tail(100_000, 3.0);
        assert!(ln_p.is_finite() && ln_p < -100_000.0);
        assert!((ln_factorial(64) - (1..=64).map(|i| (i as f64).ln()).sum::<f64>()).abs() < 1e-9);
    }
}
