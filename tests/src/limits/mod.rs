//! The limits `make bench` sets its figures against (issue 23): absolute figures move 2-3x
//! between the machines sessions get, so each figure is reported next to what this machine, in
//! the same run, allows for the same work. Each limit is a subcommand of the `limits` binary that
//! prints one line, `limits <name> key=value ...`; `scripts/bench.sh` runs them and keeps the lines
//! in bench-results/, where `scripts/bench_ratios.sh` reads them:
//!
//! - [`db`]: the creates per second the database accepts for the rows a create writes;
//! - [`http`]: an HTTP server on task-api's stack that does no work (the framework's ceiling);
//! - [`produce`]: the relay's records per second a bare producer with its settings gets through;
//! - [`latency`]: the broker's produce-to-fetch latency at a steady modest rate.

pub mod db;
pub mod http;
pub mod kafka;
pub mod latency;
pub mod postgres;
pub mod produce;
pub mod rows;
pub mod sqlite;

/// The number in `variable`, or `default` when it is unset or not a number.
pub fn env_or<T: std::str::FromStr>(variable: &str, default: T) -> T {
    std::env::var(variable)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// The comma-separated numbers in `variable`, or `default`.
pub fn env_list(variable: &str, default: &[usize]) -> Vec<usize> {
    let parsed: Vec<usize> = std::env::var(variable)
        .unwrap_or_default()
        .split(',')
        .filter_map(|v| v.trim().parse().ok())
        .filter(|n| *n > 0)
        .collect();
    if parsed.is_empty() { default.to_vec() } else { parsed }
}
