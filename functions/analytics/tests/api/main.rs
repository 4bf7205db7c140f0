//! The analytics function over HTTP, through its Router (`oneshot`) with real HS256 tokens, on
//! a SQLite read model fed the known history (the PostgreSQL store passes the same conformance
//! suite): the reports' numbers, refusals as problem+json, isolation between users, and events
//! pushed as CloudEvents.

#[path = "../common/mod.rs"]
mod common;

mod helpers;
mod push;
mod reports;
mod socket;
mod validation;
