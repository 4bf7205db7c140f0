//! End-to-end tests of the workspace live under `tests/`; this library is intentionally empty.
//!
//! Run them with `cargo test -p todo-tests` (PostgreSQL must answer on 127.0.0.1:5432).
