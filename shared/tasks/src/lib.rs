//! The task stores.
//!
//! `todo-domain` validates input and computes every change (new state, history, events) without
//! I/O; `store` persists those changes in PostgreSQL or SQLite, writing the task row, its history
//! record and its outbox events in one transaction, so an event exists exactly when its change does.

mod error;
pub mod store;

pub use error::{Error, FieldError, FieldErrors, Result};
