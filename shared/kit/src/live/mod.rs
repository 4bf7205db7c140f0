//! Live updates: the events of the bus, per user, as they happen. A [`LiveFeed`] keeps the newest
//! events in a ring (so a client that lost its connection for a moment resumes with
//! `Last-Event-ID` and misses nothing) and hands new ones to every connected client; [`router`]
//! serves it as Server-Sent Events at `GET /api/stream`, filtered to the caller's events.
//!
//! The feed is fed by [`FeedHandler`], an event handler run as its own consumer group on the bus
//! (one group per process: every instance sees every event).

mod feed;
mod sse;

pub use feed::{FeedHandler, LiveEvent, LiveFeed, Resume};
pub use sse::router;
