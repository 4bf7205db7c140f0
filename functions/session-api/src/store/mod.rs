//! Where sessions live: Redis in the cluster, process memory in `todo serve`. One trait, one
//! conformance suite (`tests/conformance`) for both.
//!
//! Every change that publishes an event writes it to the store's own outbox in the same atomic
//! step (a Redis `MULTI` or script; one lock in memory), and the shared outbox relay moves the
//! outbox to the bus ([`crate::SessionOutbox`]), so a crash never leaves a session without its
//! event or an event without its session.
//! Expiry does not rely on Redis keyspace notifications (they are lossy): deadlines sit in a sorted
//! set that [`SessionStore::sweep`] claims atomically, so each session expires exactly once even
//! with several sweepers.

mod memory;
mod redis;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;
use todo_events::EventMetadata;
pub use todo_outbox::Backlog;

pub use memory::MemorySessionStore;
pub use redis::RedisSessionStore;

use crate::model::{Message, MessagePage, NewMessage, Session, SessionError};

/// A result of the session stores.
pub type Result<T, E = SessionError> = std::result::Result<T, E>;

/// How sessions behave.
#[derive(Debug, Clone)]
pub struct SessionSettings {
    /// Idle time after which a session expires; every message restarts it.
    pub ttl: Duration,
    /// How long an expired session's data is kept, so callers get "expired" rather than "not
    /// found", and a late sweeper can still report its duration.
    pub grace: Duration,
    /// Messages kept per session (older ones are dropped).
    pub max_messages: usize,
}

impl Default for SessionSettings {
    fn default() -> Self {
        Self {
            ttl: Duration::from_secs(30 * 60),
            grace: Duration::from_secs(60 * 60),
            max_messages: 200,
        }
    }
}

/// An event waiting in a store's outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingEvent {
    /// Its place in the outbox, for [`SessionStore::ack_outbox`].
    pub outbox_id: String,
    /// When it was queued: the relay's publish lag runs from here.
    pub written_at: DateTime<Utc>,
    /// The CloudEvent in structured JSON.
    pub event: Value,
}

/// The session store.
#[async_trait]
pub trait SessionStore: Send + Sync + std::fmt::Debug {
    /// Opens a session for `user` and queues `session.created`.
    async fn create(
        &self,
        user: &str,
        client_info: Value,
        metadata: &EventMetadata,
        now: DateTime<Utc>,
    ) -> Result<Session>;
    /// The session, if `user` owns it and it is alive.
    async fn get(&self, user: &str, id: &str, now: DateTime<Utc>) -> Result<Session>;
    /// Adds a message, restarts the TTL, drops the oldest beyond the cap, and for a user's message
    /// queues `session.message_received`.
    async fn append(
        &self,
        user: &str,
        id: &str,
        message: NewMessage,
        metadata: &EventMetadata,
        now: DateTime<Utc>,
    ) -> Result<Message>;
    /// Up to `limit` messages before seq `before` (the newest when `None`), oldest first.
    async fn messages(
        &self,
        user: &str,
        id: &str,
        before: Option<u64>,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<MessagePage>;
    /// Closes the session now; it ends with `session.expired`, like an idle one.
    async fn delete(&self, user: &str, id: &str, metadata: &EventMetadata, now: DateTime<Utc>) -> Result<()>;
    /// Expires up to `limit` sessions whose deadline passed, queueing one `session.expired` each;
    /// returns how many.
    async fn sweep(&self, now: DateTime<Utc>, limit: usize) -> Result<usize>;
    /// Sessions alive now.
    async fn active_count(&self, now: DateTime<Utc>) -> Result<u64>;
    /// Up to `limit` of the oldest queued events, when this caller may publish them now (`None`
    /// while another publisher holds the outbox).
    async fn claim_outbox(&self, limit: usize) -> Result<Option<Vec<PendingEvent>>>;
    /// Removes published events from the outbox.
    async fn ack_outbox(&self, outbox_ids: &[String]) -> Result<()>;
    /// How many events wait in the outbox and when the oldest was queued.
    async fn outbox_backlog(&self) -> Result<Backlog>;
    /// Checks that the store answers.
    async fn ping(&self) -> Result<()>;
}

/// The store `SESSION_STORE` names (with `SESSION_KEY_PREFIX` and, for `rediss://`,
/// `SESSION_STORE_CA_PEM`): how a function's `main` and `todo serve` open it.
///
/// # Errors
/// As [`connect`], and for a bad setting.
pub async fn connect_from_settings(settings: SessionSettings) -> Result<Arc<dyn SessionStore>> {
    use crate::function::{SESSION_KEY_PREFIX, SESSION_STORE, SESSION_STORE_CA_PEM};
    let url = SESSION_STORE
        .require()
        .map_err(|e| SessionError::Invalid(e.to_string()))?;
    let prefix = SESSION_KEY_PREFIX
        .require()
        .map_err(|e| SessionError::Invalid(e.to_string()))?;
    let ca_pem = SESSION_STORE_CA_PEM.value();
    connect_with_ca(&url, settings, &prefix, ca_pem.as_deref()).await
}

/// Opens the store `url` names: `redis://...`, `rediss://...` (TLS, trusting the public roots) or
/// `memory://`.
///
/// # Errors
/// When Redis cannot be reached or the URL is not understood.
pub async fn connect(url: &str, settings: SessionSettings, key_prefix: &str) -> Result<Arc<dyn SessionStore>> {
    connect_with_ca(url, settings, key_prefix, None).await
}

/// Like [`connect`], trusting only `ca_pem` (PEM text) for a `rediss://` server's certificate
/// when it is given (managed Redis and Valkey sign theirs with a CA of their own).
///
/// # Errors
/// As [`connect`], and when a CA is given for anything but `rediss://`.
pub async fn connect_with_ca(
    url: &str,
    settings: SessionSettings,
    key_prefix: &str,
    ca_pem: Option<&str>,
) -> Result<Arc<dyn SessionStore>> {
    if url.starts_with("redis://") || url.starts_with("rediss://") {
        Ok(Arc::new(
            RedisSessionStore::connect_with_ca(url, settings, key_prefix, ca_pem).await?,
        ))
    } else if url.starts_with("memory:") {
        if ca_pem.is_some() {
            return Err(SessionError::Invalid(
                "SESSION_STORE_CA_PEM is set, but SESSION_STORE is not a rediss:// URL (TLS)".into(),
            ));
        }
        Ok(Arc::new(MemorySessionStore::new(settings)))
    } else {
        Err(SessionError::Invalid(
            "SESSION_STORE must be redis://host:port, rediss://host:port (TLS) or memory://".into(),
        ))
    }
}
