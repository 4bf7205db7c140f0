//! Reading a value out of a Prometheus text scrape, for tests that check what a function counts.

/// The value of the first sample of `name` in a Prometheus text scrape carrying every `labels`
/// pair, or 0 when none does (a counter not yet touched reads as 0).
pub fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|line| line.starts_with(&format!("{name}{{")))
        .find(|line| labels.iter().all(|(k, v)| line.contains(&format!("{k}=\"{v}\""))))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
        .unwrap_or(0.0)
}
