//! The in-memory side of live updates: a ring of recent events and a broadcast of new ones.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use todo_events::DomainEvent;
use tokio::sync::broadcast;

use todo_kit::handler::{EventHandler, HandlerError, Outcome};

/// One event as clients receive it.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveEvent {
    /// The CloudEvent id: the SSE `id`, which a client sends back as `Last-Event-ID`.
    pub id: String,
    /// The user the event is about; only they receive it.
    pub user_id: String,
    /// The CloudEvent type: the SSE `event`.
    pub event_type: String,
    /// The event as a structured CloudEvent: the SSE `data`.
    pub cloudevent: serde_json::Value,
}

/// Where a client starts.
#[derive(Debug)]
pub struct Resume {
    /// Events after the client's `Last-Event-ID`, oldest first.
    pub missed: Vec<Arc<LiveEvent>>,
    /// True when the `Last-Event-ID` is no longer in the ring: the client may have missed events
    /// and should reload.
    pub gap: bool,
    /// New events from now on.
    pub updates: broadcast::Receiver<Arc<LiveEvent>>,
}

/// Recent events and the stream of new ones.
#[derive(Debug)]
pub struct LiveFeed {
    recent: Mutex<VecDeque<Arc<LiveEvent>>>,
    capacity: usize,
    sender: broadcast::Sender<Arc<LiveEvent>>,
    /// Becomes true when the feed closes: open streams end, so a server can stop.
    closed: tokio::sync::watch::Sender<bool>,
}

impl LiveFeed {
    /// A feed remembering the newest `capacity` events.
    pub fn new(capacity: usize) -> Arc<Self> {
        let (sender, _) = broadcast::channel(1024);
        Arc::new(Self {
            recent: Mutex::new(VecDeque::with_capacity(capacity)),
            capacity: capacity.max(1),
            sender,
            closed: tokio::sync::watch::Sender::new(false),
        })
    }

    /// Ends every open stream (and any opened later): call it when the server shuts down, since a
    /// graceful shutdown waits for open responses and a stream never ends by itself.
    pub fn close(&self) {
        self.closed.send_replace(true);
    }

    /// Resolves once [`close`](Self::close) was called.
    pub async fn closed(&self) {
        let mut closed = self.closed.subscribe();
        let _ = closed.wait_for(|closed| *closed).await;
    }

    /// Adds an event; events without a user are nobody's and are dropped.
    pub fn push(&self, event: &DomainEvent) {
        let Some(user_id) = event.metadata.user_id.clone() else {
            return;
        };
        let live = Arc::new(LiveEvent {
            id: event.id.to_string(),
            user_id,
            event_type: event.event_type().as_str().to_owned(),
            cloudevent: event.to_structured_json(),
        });
        let mut recent = self.recent.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if recent.iter().any(|e| e.id == live.id) {
            return; // a redelivery
        }
        if recent.len() == self.capacity {
            recent.pop_front();
        }
        recent.push_back(live.clone());
        // Sent under the lock, so a client subscribing concurrently sees each event once.
        let _ = self.sender.send(live);
    }

    /// Subscribes, first replaying what came after `last_event_id` (when given).
    pub fn subscribe(&self, last_event_id: Option<&str>) -> Resume {
        let recent = self.recent.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let updates = self.sender.subscribe();
        let (missed, gap) = match last_event_id {
            None => (Vec::new(), false),
            Some(last) => match recent.iter().position(|e| e.id == last) {
                Some(at) => (recent.iter().skip(at + 1).cloned().collect(), false),
                None => (recent.iter().cloned().collect(), true),
            },
        };
        Resume { missed, gap, updates }
    }
}

/// Feeds a [`LiveFeed`] from the bus.
#[derive(Debug)]
pub struct FeedHandler {
    name: String,
    feed: Arc<LiveFeed>,
}

impl FeedHandler {
    /// A handler pushing into `feed`, consuming as group `name` (unique per process).
    pub fn new(name: impl Into<String>, feed: Arc<LiveFeed>) -> Self {
        Self {
            name: name.into(),
            feed,
        }
    }
}

#[async_trait]
impl EventHandler for FeedHandler {
    fn name(&self) -> &str {
        &self.name
    }

    async fn handle(&self, event: &DomainEvent) -> Result<Outcome, HandlerError> {
        self.feed.push(event);
        Ok(Outcome::Done)
    }
}
