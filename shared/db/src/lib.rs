//! One database layer for every owner of tables (the task stores, the analytics read model, the
//! notifier, the idempotency records): which engine a `DATABASE_URL` names, how the embedded
//! SQLite file is opened (one writer, read-only readers), how times are stored where the engine
//! has no timestamp type, and how each owner applies its own migrations to a shared database.

mod engine;
pub mod migrate;
pub mod sqlite;
pub mod time;
pub mod wal_index;

pub use engine::{Engine, UnsupportedUrl};
