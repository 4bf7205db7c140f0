//! Live updates: the task events of the bus, per user, as they happen. A [`LiveFeed`] keeps the
//! newest events in a ring (so a client that lost its connection for a moment resumes with
//! `Last-Event-ID` and misses nothing) and hands new ones to every connected client; [`router`]
//! serves it as Server-Sent Events at `GET /api/stream`, filtered to the caller's events.
//!
//! The feed is fed by [`FeedHandler`], an event handler run as its own consumer group on the bus
//! (one group per process: every instance sees every event). task-api starts both with a Kafka bus
//! ([`crate::start`]); `todo serve` mounts the same route on its in-process bus.

mod feed;
mod sse;

pub use feed::{FeedHandler, LiveEvent, LiveFeed, Resume};
pub use sse::router;

/// How many recent events a feed keeps for clients resuming with `Last-Event-ID`.
pub const EVENTS_KEPT: usize = 2000;
