//! Live updates end to end: the [`LiveFeed`] ring (users, redeliveries, capacity, resuming, gaps),
//! `GET /api/stream` over a real socket (authentication, per-user filtering, `Last-Event-ID`), and
//! [`FeedHandler`] fed by the in-memory bus until shutdown.
//!
//! Run with `cargo test -p task-api --test live`. Every wait is bounded, so a broken stream fails
//! a test instead of hanging it.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use chrono::{TimeZone, Utc};
use secrecy::SecretString;
use serde_json::Value;
use task_api::live::{FeedHandler, LiveEvent, LiveFeed};
use todo_events::{DomainEvent, EventMetadata, TaskCreated};
use todo_kit::Authenticator;
use todo_kit::auth::{AuthSettings, mint_hs256};
use todo_kit::bus::{EventBus, MemoryBus, Outgoing};
use todo_kit::handler::{ConsumeSettings, consume_until_shutdown};
use tokio::sync::broadcast::error::TryRecvError;
use tokio::time::timeout;

const SECRET: &str = "a-test-secret-that-is-at-least-32-bytes-long";
/// The longest any single step may take before the test fails.
const WAIT: Duration = Duration::from_secs(5);

/// A `task.created` event about task `task_id`, on behalf of `user` (or nobody).
fn task_created(user: Option<&str>, task_id: i64) -> DomainEvent {
    let metadata = EventMetadata {
        user_id: user.map(str::to_owned),
        ..Default::default()
    };
    let payload = TaskCreated {
        task_id,
        title: format!("task {task_id}"),
        description: None,
        priority: "medium".to_owned(),
        tags: vec!["live".to_owned()],
        due_at: None,
        recurrence: None,
    };
    let time = Utc
        .with_ymd_and_hms(2026, 1, 2, 3, 4, 5)
        .single()
        .expect("a valid time");
    DomainEvent::new("/functions/task-api", time, metadata, payload.into())
}

fn ids(events: &[Arc<LiveEvent>]) -> Vec<String> {
    events.iter().map(|e| e.id.clone()).collect()
}

fn id(event: &DomainEvent) -> String {
    event.id.to_string()
}

/// Every event the feed still keeps, oldest first (an unknown id replays the whole ring).
fn ring(feed: &LiveFeed) -> Vec<String> {
    ids(&feed.subscribe(Some("not-an-event-id")).missed)
}

mod bus;
mod feed;
mod stream;
