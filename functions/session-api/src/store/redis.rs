//! The Redis session store: a hash per session, a capped list for its messages, a sorted set of
//! deadlines for expiry, and a stream as the outbox. Every change runs as one script or `MULTI`,
//! so a session, its TTL and its event move together.
//!
//! `rediss://` URLs connect over TLS (rustls): managed Redis and Valkey (DigitalOcean) accept
//! nothing else. Their certificates come from a CA of the provider's own, which the caller passes
//! as PEM ([`RedisSessionStore::connect_with_ca`], from `SESSION_STORE_CA_PEM`); without one the
//! public web roots are trusted.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use redis::aio::ConnectionManager;
use redis::{AsyncCommands, Script};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use todo_events::EventMetadata;

use super::memory::page;
use super::{PendingEvent, Result, SessionSettings, SessionStore};
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

/// Installs rustls' crypto provider (ring) for the process unless one is. The redis crate builds
/// its TLS configuration with the process default, and none is chosen on its own when several
/// providers are linked in (reqwest brings aws-lc-rs, sqlx ring).
fn install_crypto_provider() {
    // An error means a provider is installed already: that one serves as well.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Whether a connection failed because the server's certificate chain is not trusted.
fn untrusted(error: &redis::RedisError) -> bool {
    let text = format!("{error:?} {error}");
    ["UnknownIssuer", "invalid peer certificate", "certificate verify failed"]
        .iter()
        .any(|sign| text.contains(sign))
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
    /// Connects to `url`; every key starts with `key_prefix` (e.g. `todo:`), so environments and
    /// tests can share a server. A `rediss://` server must have a certificate from a public root.
    ///
    /// # Errors
    /// When Redis cannot be reached.
    pub async fn connect(url: &str, settings: SessionSettings, key_prefix: &str) -> Result<Self> {
        Self::connect_with_ca(url, settings, key_prefix, None).await
    }

    /// Like [`connect`](Self::connect), trusting only `ca_pem` (PEM text) for a `rediss://`
    /// server's certificate when it is given.
    ///
    /// # Errors
    /// `Invalid` for a CA with a `redis://` URL or without a certificate in it; `Unavailable`
    /// when Redis cannot be reached or its certificate is not trusted.
    pub async fn connect_with_ca(
        url: &str,
        settings: SessionSettings,
        key_prefix: &str,
        ca_pem: Option<&str>,
    ) -> Result<Self> {
        let tls = url.starts_with("rediss://");
        let client = match ca_pem {
            None => redis::Client::open(url),
            Some(_) if !tls => {
                return Err(SessionError::Invalid(
                    "SESSION_STORE_CA_PEM is set, but SESSION_STORE is not a rediss:// URL (TLS)".into(),
                ));
            }
            Some(pem) if !pem.contains("-----BEGIN CERTIFICATE-----") => {
                return Err(SessionError::Invalid(
                    "SESSION_STORE_CA_PEM must be PEM text with -----BEGIN CERTIFICATE-----".into(),
                ));
            }
            Some(pem) => redis::Client::build_with_tls(
                url,
                redis::TlsCertificates {
                    client_tls: None,
                    root_cert: Some(pem.as_bytes().to_vec()),
                },
            ),
        }
        .map_err(|e| SessionError::Invalid(format!("SESSION_STORE: {e}")))?;
        let not_trusted = |e: redis::RedisError| {
            SessionError::Unavailable(format!(
                "the Redis server's TLS certificate is not trusted ({e}); set SESSION_STORE_CA_PEM to the PEM \
                 of the CA that signed it"
            ))
        };
        if tls {
            install_crypto_provider();
            // One attempt first: a certificate that is not trusted stays so, and the manager
            // would retry it for seconds before saying so.
            if let Err(e) = client.get_multiplexed_async_connection().await
                && untrusted(&e)
            {
                return Err(not_trusted(e));
            }
        }
        let redis = ConnectionManager::new(client).await.map_err(|e| {
            if tls && untrusted(&e) {
                not_trusted(e)
            } else {
                unavailable(e)
            }
        })?;
        Ok(Self {
            redis,
            settings,
            prefix: key_prefix.to_owned(),
            token: uuid::Uuid::new_v4().to_string(),
            append: Script::new(include_str!("lua/append.lua")),
            close: Script::new(include_str!("lua/close.lua")),
            claim_expired: Script::new(include_str!("lua/claim_expired.lua")),
            finish_expired: Script::new(include_str!("lua/finish_expired.lua")),
            claim_outbox: Script::new(include_str!("lua/claim_outbox.lua")),
        })
    }

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

#[async_trait]
impl SessionStore for RedisSessionStore {
    #[tracing::instrument(name = "redis.sessions.create", skip_all, fields(otel.kind = "client", db.system = "redis"))]
    async fn create(
        &self,
        user: &str,
        client_info: Value,
        metadata: &EventMetadata,
        now: DateTime<Utc>,
    ) -> Result<Session> {
        validate_client_info(&client_info)?;
        // Redis keeps milliseconds: the session starts on a whole one, so reads give back what this returns.
        let now = from_millis(millis(now))?;
        let session = Session::open(user, client_info, now, chrono::Duration::milliseconds(self.ttl_ms()));
        let event = events::created(&session, metadata);
        let key = self.session_key(&session.id);
        let mut redis = self.redis.clone();
        let () = redis::pipe()
            .atomic()
            .hset_multiple(
                &key,
                &[
                    ("user", user.to_owned()),
                    ("client_info", session.client_info.to_string()),
                    ("created", millis(now).to_string()),
                    ("last", millis(now).to_string()),
                    ("count", "0".to_owned()),
                    ("ended", "0".to_owned()),
                ],
            )
            .ignore()
            .pexpire(&key, self.keep_ms())
            .ignore()
            .zadd(self.deadlines_key(), &session.id, millis(session.expires_at))
            .ignore()
            .xadd(self.outbox_key(), "*", &[("event", event.to_string())])
            .ignore()
            .query_async(&mut redis)
            .await
            .map_err(unavailable)?;
        Ok(session)
    }

    #[tracing::instrument(name = "redis.sessions.get", skip_all, fields(otel.kind = "client", db.system = "redis"))]
    async fn get(&self, user: &str, id: &str, now: DateTime<Utc>) -> Result<Session> {
        Ok(self.alive(user, id, now).await?.0)
    }

    #[tracing::instrument(name = "redis.sessions.append", skip_all, fields(otel.kind = "client", db.system = "redis"))]
    async fn append(
        &self,
        user: &str,
        id: &str,
        message: NewMessage,
        metadata: &EventMetadata,
        now: DateTime<Utc>,
    ) -> Result<Message> {
        message.validate(id)?;
        let riders: Vec<String> = message.events.iter().map(Value::to_string).collect();
        let stored = StoredMessage {
            role: message.role,
            content: message.content,
            metadata: message.metadata,
            at: now,
        };
        let json = serde_json::to_string(&stored).map_err(|e| SessionError::Corrupt(e.to_string()))?;
        let event = if stored.role == Role::User {
            events::message_received(id, user, &stored.content, now, metadata).to_string()
        } else {
            String::new()
        };
        let mut redis = self.redis.clone();
        let answer: Vec<String> = self
            .append
            .key(self.session_key(id))
            .key(self.messages_key(id))
            .key(self.deadlines_key())
            .key(self.outbox_key())
            .arg(user)
            .arg(millis(now))
            .arg(self.ttl_ms())
            .arg(self.keep_ms())
            .arg(self.settings.max_messages)
            .arg(json)
            .arg(event)
            .arg(id)
            .arg(riders)
            .invoke_async(&mut redis)
            .await
            .map_err(unavailable)?;
        match answer.first().map(String::as_str) {
            Some("ok") => Ok(Message {
                seq: answer.get(1).and_then(|s| s.parse().ok()).unwrap_or_default(),
                role: stored.role,
                content: stored.content,
                metadata: stored.metadata,
                at: now,
            }),
            Some("expired") => Err(SessionError::Expired),
            _ => Err(SessionError::NotFound),
        }
    }

    #[tracing::instrument(name = "redis.sessions.messages", skip_all, fields(otel.kind = "client", db.system = "redis"))]
    async fn messages(
        &self,
        user: &str,
        id: &str,
        before: Option<u64>,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<MessagePage> {
        self.alive(user, id, now).await?;
        let mut redis = self.redis.clone();
        let entries: Vec<String> = redis.lrange(self.messages_key(id), 0, -1).await.map_err(unavailable)?;
        let messages = entries
            .iter()
            .map(|entry| {
                let (seq, json) = entry
                    .split_once('|')
                    .ok_or_else(|| SessionError::Corrupt("message entry without seq".into()))?;
                let stored: StoredMessage =
                    serde_json::from_str(json).map_err(|e| SessionError::Corrupt(e.to_string()))?;
                Ok(Message {
                    seq: seq
                        .parse()
                        .map_err(|_| SessionError::Corrupt(format!("message seq '{seq}'")))?,
                    role: stored.role,
                    content: stored.content,
                    metadata: stored.metadata,
                    at: stored.at,
                })
            })
            .collect::<Result<Vec<Message>>>()?;
        Ok(page(messages.iter(), before, limit))
    }

    #[tracing::instrument(name = "redis.sessions.delete", skip_all, fields(otel.kind = "client", db.system = "redis"))]
    async fn delete(&self, user: &str, id: &str, _metadata: &EventMetadata, now: DateTime<Utc>) -> Result<()> {
        // The event carries the count it was built with; a message arriving in between makes the
        // script refuse, and the close is built again.
        for _ in 0..5 {
            let (session, _) = self.alive(user, id, now).await?;
            let event = events::expired(
                id,
                user,
                session.created_at,
                session.last_active_at,
                session.message_count,
                now,
            );
            let mut redis = self.redis.clone();
            let answer: String = self
                .close
                .key(self.session_key(id))
                .key(self.messages_key(id))
                .key(self.deadlines_key())
                .key(self.outbox_key())
                .arg(user)
                .arg(session.message_count)
                .arg(event.to_string())
                .arg(id)
                .invoke_async(&mut redis)
                .await
                .map_err(unavailable)?;
            match answer.as_str() {
                "ok" => return Ok(()),
                "changed" => continue,
                "expired" => return Err(SessionError::Expired),
                _ => return Err(SessionError::NotFound),
            }
        }
        Err(SessionError::Unavailable(
            "the session kept changing while it was closed".into(),
        ))
    }

    async fn sweep(&self, now: DateTime<Utc>, limit: usize) -> Result<usize> {
        let mut redis = self.redis.clone();
        let claimed: Vec<String> = self
            .claim_expired
            .key(self.deadlines_key())
            .key(self.expiring_key())
            .arg(millis(now))
            .arg(limit)
            .arg(millis(now) - RECLAIM_AFTER_MS)
            .invoke_async(&mut redis)
            .await
            .map_err(unavailable)?;
        let mut expired = 0;
        for id in claimed {
            let hash: HashMap<String, String> = redis.hgetall(self.session_key(&id)).await.map_err(unavailable)?;
            // A hash gone past its grace period leaves only the id: report what is known.
            let created = field::<i64>(&hash, "created")
                .ok()
                .map(from_millis)
                .transpose()?
                .unwrap_or(now);
            let last = field::<i64>(&hash, "last")
                .ok()
                .map(from_millis)
                .transpose()?
                .unwrap_or(created);
            let count = field::<u64>(&hash, "count").unwrap_or_default();
            let user = hash.get("user").cloned().unwrap_or_default();
            let event = events::expired(&id, &user, created, last, count, now);
            let done: i64 = self
                .finish_expired
                .key(self.session_key(&id))
                .key(self.messages_key(&id))
                .key(self.expiring_key())
                .key(self.outbox_key())
                .arg(&id)
                .arg(event.to_string())
                .arg(i64::try_from(self.settings.grace.as_millis()).unwrap_or(i64::MAX))
                .invoke_async(&mut redis)
                .await
                .map_err(unavailable)?;
            expired += usize::try_from(done).unwrap_or_default();
        }
        Ok(expired)
    }

    async fn active_count(&self, now: DateTime<Utc>) -> Result<u64> {
        let mut redis = self.redis.clone();
        let count: u64 = redis
            .zcount(self.deadlines_key(), format!("({}", millis(now)), "+inf")
            .await
            .map_err(unavailable)?;
        Ok(count)
    }

    async fn claim_outbox(&self, limit: usize) -> Result<Option<Vec<PendingEvent>>> {
        let mut redis = self.redis.clone();
        let entries: Option<Vec<(String, Vec<String>)>> = self
            .claim_outbox
            .key(self.lock_key())
            .key(self.outbox_key())
            .arg(&self.token)
            .arg(OUTBOX_LOCK_MS)
            .arg(limit)
            .invoke_async(&mut redis)
            .await
            .map_err(unavailable)?;
        let Some(entries) = entries else {
            return Ok(None);
        };
        let events = entries
            .into_iter()
            .map(|(outbox_id, fields)| {
                let json = fields
                    .chunks(2)
                    .find(|pair| pair.first().map(String::as_str) == Some("event"))
                    .and_then(|pair| pair.get(1))
                    .ok_or_else(|| SessionError::Corrupt(format!("outbox entry {outbox_id} has no event")))?;
                let event = serde_json::from_str(json).map_err(|e| SessionError::Corrupt(e.to_string()))?;
                Ok(PendingEvent { outbox_id, event })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Some(events))
    }

    async fn ack_outbox(&self, outbox_ids: &[String]) -> Result<()> {
        if outbox_ids.is_empty() {
            return Ok(());
        }
        let mut redis = self.redis.clone();
        let _: u64 = redis.xdel(self.outbox_key(), outbox_ids).await.map_err(unavailable)?;
        Ok(())
    }

    async fn ping(&self) -> Result<()> {
        let mut redis = self.redis.clone();
        let _: String = redis::cmd("PING").query_async(&mut redis).await.map_err(unavailable)?;
        Ok(())
    }
}
