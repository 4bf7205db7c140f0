//! The [`SessionStore`] operations on Redis, each one script or `MULTI`.

use super::*;

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
                let written_at = stream_entry_time(&outbox_id)?;
                Ok(PendingEvent {
                    outbox_id,
                    written_at,
                    event,
                })
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

    async fn outbox_backlog(&self) -> Result<Backlog> {
        let mut redis = self.redis.clone();
        let (pending, oldest): (i64, Vec<(String, Vec<String>)>) = redis::pipe()
            .xlen(self.outbox_key())
            .cmd("XRANGE")
            .arg(self.outbox_key())
            .arg("-")
            .arg("+")
            .arg("COUNT")
            .arg(1)
            .query_async(&mut redis)
            .await
            .map_err(unavailable)?;
        let oldest = oldest.first().map(|(id, _)| stream_entry_time(id)).transpose()?;
        Ok(Backlog { pending, oldest })
    }

    async fn ping(&self) -> Result<()> {
        let mut redis = self.redis.clone();
        let _: String = redis::cmd("PING").query_async(&mut redis).await.map_err(unavailable)?;
        Ok(())
    }
}

/// When a stream entry was added: its id is `<milliseconds>-<sequence>`, given by Redis.
fn stream_entry_time(id: &str) -> Result<DateTime<Utc>> {
    let ms = id
        .split_once('-')
        .and_then(|(ms, _)| ms.parse().ok())
        .ok_or_else(|| SessionError::Corrupt(format!("outbox entry id {id} is not a stream id")))?;
    from_millis(ms)
}
