//! The Redis session store: a hash per session, a capped list for its messages, a sorted set of
//! deadlines for expiry, and a stream as the outbox. Every change runs as one script or `MULTI`,
//! so a session, its TTL and its event move together.
//!
//! `rediss://` URLs connect over TLS (rustls): managed Redis and Valkey (DigitalOcean) accept
//! nothing else. Their certificates come from a CA of the provider's own, which the caller passes
//! as PEM ([`RedisSessionStore::connect_with_ca`], from `SESSION_STORE_CA_PEM`); without one the
//! public web roots are trusted.

mod connect;
mod store;

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use redis::aio::ConnectionManager;
use redis::{AsyncCommands, Script};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use todo_events::EventMetadata;

use super::memory::page;
use super::{Backlog, PendingEvent, Result, SessionSettings, SessionStore};
use crate::events;
use crate::model::{Message, MessagePage, NewMessage, Role, Session, SessionError, validate_client_info};

/// How long a sweeper's claim on an expiring session lasts before another sweeper may take it.
const RECLAIM_AFTER_MS: i64 = 60_000;
/// How long one publisher holds the outbox between claims.
const OUTBOX_LOCK_MS: u64 = 15_000;

/// Sessions in Redis.
pub struct RedisSessionStore {
    redis: ConnectionManager,
    settings: SessionSettings,
    prefix: String,
    /// Identifies this store's hold on the outbox lock.
    token: String,
    append: Script,
    close: Script,
    claim_expired: Script,
    finish_expired: Script,
    claim_outbox: Script,
}

impl std::fmt::Debug for RedisSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisSessionStore")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

/// A message as stored (its seq is kept beside it in the list entry).
#[derive(Serialize, Deserialize)]
struct StoredMessage {
    role: Role,
    content: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metadata: Option<Value>,
    at: DateTime<Utc>,
}

fn unavailable(error: redis::RedisError) -> SessionError {
    SessionError::Unavailable(error.to_string())
}

fn millis(time: DateTime<Utc>) -> i64 {
    time.timestamp_millis()
}

fn from_millis(ms: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| SessionError::Corrupt(format!("time {ms} out of range")))
}

fn field<T: std::str::FromStr>(hash: &HashMap<String, String>, name: &str) -> Result<T> {
    hash.get(name)
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| SessionError::Corrupt(format!("session field '{name}' is missing or unreadable")))
}

impl RedisSessionStore {
    fn session_key(&self, id: &str) -> String {
        format!("{}session:{id}", self.prefix)
    }
    fn messages_key(&self, id: &str) -> String {
        format!("{}session:{id}:messages", self.prefix)
    }
    fn deadlines_key(&self) -> String {
        format!("{}session-deadlines", self.prefix)
    }
    fn expiring_key(&self) -> String {
        format!("{}session-expiring", self.prefix)
    }
    fn outbox_key(&self) -> String {
        format!("{}session-outbox", self.prefix)
    }
    fn lock_key(&self) -> String {
        format!("{}session-outbox:lock", self.prefix)
    }
    fn ttl_ms(&self) -> i64 {
        i64::try_from(self.settings.ttl.as_millis()).unwrap_or(i64::MAX)
    }
    fn keep_ms(&self) -> i64 {
        i64::try_from((self.settings.ttl + self.settings.grace).as_millis()).unwrap_or(i64::MAX)
    }

    /// The session hash and its deadline (`None` once claimed for expiry).
    async fn load(&self, id: &str) -> Result<Option<(HashMap<String, String>, Option<i64>)>> {
        let mut redis = self.redis.clone();
        let (hash, deadline): (HashMap<String, String>, Option<f64>) = redis::pipe()
            .hgetall(self.session_key(id))
            .zscore(self.deadlines_key(), id)
            .query_async(&mut redis)
            .await
            .map_err(unavailable)?;
        #[allow(clippy::cast_possible_truncation)]
        Ok((!hash.is_empty()).then(|| (hash, deadline.map(|d| d as i64))))
    }

    /// The caller's live session, from its hash and deadline.
    async fn alive(&self, user: &str, id: &str, now: DateTime<Utc>) -> Result<(Session, HashMap<String, String>)> {
        let Some((hash, deadline)) = self.load(id).await? else {
            return Err(SessionError::NotFound);
        };
        if hash.get("user").map(String::as_str) != Some(user) {
            return Err(SessionError::NotFound);
        }
        let deadline = match deadline {
            Some(deadline) if hash.get("ended").map(String::as_str) != Some("1") && deadline > millis(now) => deadline,
            _ => return Err(SessionError::Expired),
        };
        let client_info: String = field(&hash, "client_info")?;
        let session = Session {
            id: id.to_owned(),
            user_id: user.to_owned(),
            client_info: serde_json::from_str(&client_info).map_err(|e| SessionError::Corrupt(e.to_string()))?,
            created_at: from_millis(field(&hash, "created")?)?,
            last_active_at: from_millis(field(&hash, "last")?)?,
            expires_at: from_millis(deadline)?,
            message_count: field(&hash, "count")?,
        };
        Ok((session, hash))
    }
}
