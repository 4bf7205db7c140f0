//! Request-rate forecasts and predictive scaling: a reactive autoscaler sizes a function for the
//! rate it saw, and the new pods arrive one scaling lag later, when the rate may have risen past
//! them. Forecasting each HTTP function's rate one lag ahead lets the scaler start them in time.
//!
//! - [`HoltWinters`]: a streaming seasonal forecaster of one rate (additive Holt-Winters, damped
//!   trend, AR(1) error correction), O(1) per update and one season of memory.
//! - [`Capacity`]: replicas for a rate, and the predictive policy, which never runs fewer
//!   replicas than reactive scaling would.
//! - [`ScalingAdvice`]: what `GET /api/aiops/scaling/{function}` serves to KEDA's metrics-api
//!   scaler.
//! - [`Backtest`] over a [`Trace`]: replays a recorded rate without look-ahead and reports the
//!   forecast's MAPE and the under-provisioned and replica-minutes of both policies
//!   ([`BacktestReport`]).
//!
//! The shipped trace (`tests/data/nyc_taxi_requests.csv`, six weeks of NYC taxi demand from NAB
//! at 30-minute steps) has no step shorter than 30 minutes, so its backtest forecasts one step,
//! 30 minutes, ahead: stricter than the 15 minutes the scaler needs. Run it with
//! `cargo test -p todo-aiops --test forecast -- --nocapture`.
//!
//! A daily season is the default because a function has one after a day; it cannot tell a
//! Sunday from a Monday, which costs most when looking further ahead: on four six-week taxi
//! slices its MAPE is 5.8-8.9 % one step (30 min) ahead and 14-23 % two steps ahead, where a
//! weekly season scores 3.7-6.8 % and 4.8-14 %. Once a series has a week of history, a weekly
//! forecaster is the better choice, at seven times the memory.

mod advice;
mod backtest;
mod capacity;
mod holt_winters;
mod report;
mod smoothing;
mod trace;

pub use advice::ScalingAdvice;
pub use backtest::Backtest;
pub use capacity::Capacity;
pub use holt_winters::HoltWinters;
pub use report::{BacktestReport, PolicyOutcome};
pub use smoothing::Smoothing;
pub use trace::Trace;
