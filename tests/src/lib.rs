//! Helpers the end-to-end tests under `tests/` share. Run the tests with `cargo test -p todo-tests`
//! (PostgreSQL must answer on 127.0.0.1:5432).

pub mod processes;

/// The value of the first sample of `name` in a Prometheus text scrape carrying every `labels`
/// pair, or 0 when none does.
pub fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|line| line.starts_with(&format!("{name}{{")))
        .find(|line| labels.iter().all(|(k, v)| line.contains(&format!("{k}=\"{v}\""))))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
        .unwrap_or(0.0)
}
