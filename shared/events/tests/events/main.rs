//! Tests of the event catalog, built as one binary: `cargo test -p todo-events`.

mod attributes;
mod catalog;
mod data_decoding;
mod decoding;
mod fixtures;
mod helpers;
mod round_trip;
mod schema;
mod schema_rejections;
