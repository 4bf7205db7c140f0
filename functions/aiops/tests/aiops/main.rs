//! Tests of the aiops function, built as one binary: `cargo test -p aiops --test aiops`. No
//! service is needed: Prometheus is played by an axum server that speaks its query API, the
//! bus is the in-memory one, and time is a manual clock.

mod alerts;
mod helpers;
mod logs;
mod maintenance;
mod prometheus;
mod remediation;
mod scaling;
mod watch;
