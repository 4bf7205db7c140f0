//! The notifier's integration tests: the API in process, deliveries to real HTTP receivers on
//! 127.0.0.1, and the store's conformance suite, each on PostgreSQL and SQLite.

mod api;
mod delivery;
mod helpers;
mod receiver;
mod store;
mod workers;
