//! The in-process session store of `todo serve`: the same rules as Redis under one lock, lost when
//! the process stops (as a development server's chats may be).

use std::collections::{HashMap, VecDeque};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;
use todo_events::EventMetadata;
use tokio::sync::Mutex;

use todo_outbox::Backlog;

use super::{PendingEvent, Result, SessionSettings, SessionStore};
use crate::events;
use crate::model::{Message, MessagePage, NewMessage, Role, Session, SessionError, validate_client_info};

/// Sessions in process memory.
#[derive(Debug)]
pub struct MemorySessionStore {
    settings: SessionSettings,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    sessions: HashMap<String, Entry>,
    /// Queued events: outbox id, when queued, the event.
    outbox: VecDeque<(u64, DateTime<Utc>, Value)>,
    next_outbox_id: u64,
}

#[derive(Debug)]
struct Entry {
    session: Session,
    messages: VecDeque<Message>,
    ended: bool,
}

impl State {
    fn enqueue(&mut self, event: Value) {
        self.next_outbox_id += 1;
        self.outbox.push_back((self.next_outbox_id, Utc::now(), event));
    }

    /// The caller's live session.
    fn alive(&mut self, user: &str, id: &str, now: DateTime<Utc>) -> Result<&mut Entry> {
        match self.sessions.get_mut(id) {
            Some(entry) if entry.session.user_id == user => {
                if entry.ended || entry.session.expires_at <= now {
                    Err(SessionError::Expired)
                } else {
                    Ok(entry)
                }
            }
            _ => Err(SessionError::NotFound),
        }
    }
}

impl MemorySessionStore {
    /// An empty store.
    pub fn new(settings: SessionSettings) -> Self {
        Self {
            settings,
            state: Mutex::new(State::default()),
        }
    }

    fn ttl(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.settings.ttl).unwrap_or(chrono::Duration::MAX)
    }

    fn grace(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.settings.grace).unwrap_or(chrono::Duration::MAX)
    }
}

#[async_trait]
impl SessionStore for MemorySessionStore {
    async fn create(
        &self,
        user: &str,
        client_info: Value,
        metadata: &EventMetadata,
        now: DateTime<Utc>,
    ) -> Result<Session> {
        validate_client_info(&client_info)?;
        let session = Session::open(user, client_info, now, self.ttl());
        let mut state = self.state.lock().await;
        state.enqueue(events::created(&session, metadata));
        state.sessions.insert(
            session.id.clone(),
            Entry {
                session: session.clone(),
                messages: VecDeque::new(),
                ended: false,
            },
        );
        Ok(session)
    }

    async fn get(&self, user: &str, id: &str, now: DateTime<Utc>) -> Result<Session> {
        let mut state = self.state.lock().await;
        Ok(state.alive(user, id, now)?.session.clone())
    }

    async fn append(
        &self,
        user: &str,
        id: &str,
        message: NewMessage,
        metadata: &EventMetadata,
        now: DateTime<Utc>,
    ) -> Result<Message> {
        message.validate(id)?;
        let ttl = self.ttl();
        let max = self.settings.max_messages;
        let mut state = self.state.lock().await;
        let entry = state.alive(user, id, now)?;
        entry.session.message_count += 1;
        entry.session.last_active_at = now;
        entry.session.expires_at = now + ttl;
        let stored = Message {
            seq: entry.session.message_count,
            role: message.role,
            content: message.content,
            metadata: message.metadata,
            at: now,
        };
        let riders = message.events;
        entry.messages.push_back(stored.clone());
        while entry.messages.len() > max {
            entry.messages.pop_front();
        }
        if stored.role == Role::User {
            let event = events::message_received(id, user, &stored.content, now, metadata);
            state.enqueue(event);
        }
        for event in riders {
            state.enqueue(event);
        }
        Ok(stored)
    }

    async fn messages(
        &self,
        user: &str,
        id: &str,
        before: Option<u64>,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<MessagePage> {
        let mut state = self.state.lock().await;
        let entry = state.alive(user, id, now)?;
        Ok(page(entry.messages.iter(), before, limit))
    }

    async fn delete(&self, user: &str, id: &str, _metadata: &EventMetadata, now: DateTime<Utc>) -> Result<()> {
        let mut state = self.state.lock().await;
        let session = state.alive(user, id, now)?.session.clone();
        state.sessions.remove(id);
        state.enqueue(events::expired(
            id,
            user,
            session.created_at,
            session.last_active_at,
            session.message_count,
            now,
        ));
        Ok(())
    }

    async fn sweep(&self, now: DateTime<Utc>, limit: usize) -> Result<usize> {
        let grace = self.grace();
        let mut state = self.state.lock().await;
        state
            .sessions
            .retain(|_, e| !(e.ended && e.session.expires_at + grace <= now));
        let mut due: Vec<&mut Entry> = state
            .sessions
            .values_mut()
            .filter(|e| !e.ended && e.session.expires_at <= now)
            .collect();
        due.sort_by_key(|e| e.session.expires_at);
        let mut expired = Vec::new();
        for entry in due.into_iter().take(limit) {
            entry.ended = true;
            entry.messages.clear();
            let s = &entry.session;
            expired.push(events::expired(
                &s.id,
                &s.user_id,
                s.created_at,
                s.last_active_at,
                s.message_count,
                now,
            ));
        }
        let count = expired.len();
        for event in expired {
            state.enqueue(event);
        }
        Ok(count)
    }

    async fn active_count(&self, now: DateTime<Utc>) -> Result<u64> {
        let state = self.state.lock().await;
        let alive = state
            .sessions
            .values()
            .filter(|e| !e.ended && e.session.expires_at > now)
            .count();
        Ok(alive as u64)
    }

    async fn claim_outbox(&self, limit: usize) -> Result<Option<Vec<PendingEvent>>> {
        let state = self.state.lock().await;
        Ok(Some(
            state
                .outbox
                .iter()
                .take(limit)
                .map(|(id, written_at, event)| PendingEvent {
                    outbox_id: id.to_string(),
                    written_at: *written_at,
                    event: event.clone(),
                })
                .collect(),
        ))
    }

    async fn ack_outbox(&self, outbox_ids: &[String]) -> Result<()> {
        let acked: Vec<u64> = outbox_ids.iter().filter_map(|id| id.parse().ok()).collect();
        let mut state = self.state.lock().await;
        state.outbox.retain(|(id, _, _)| !acked.contains(id));
        Ok(())
    }

    async fn outbox_backlog(&self) -> Result<Backlog> {
        let state = self.state.lock().await;
        Ok(Backlog {
            pending: i64::try_from(state.outbox.len()).unwrap_or(i64::MAX),
            oldest: state.outbox.front().map(|(_, written_at, _)| *written_at),
        })
    }

    async fn ping(&self) -> Result<()> {
        Ok(())
    }
}

/// Up to `limit` messages before `before`, oldest first, with the cursor of the older page.
pub(crate) fn page<'a>(
    messages: impl DoubleEndedIterator<Item = &'a Message>,
    before: Option<u64>,
    limit: usize,
) -> MessagePage {
    let mut newest_first: Vec<Message> = messages
        .rev()
        .filter(|m| before.is_none_or(|b| m.seq < b))
        .take(limit + 1)
        .cloned()
        .collect();
    let more = newest_first.len() > limit;
    newest_first.truncate(limit);
    newest_first.reverse();
    let next_cursor = if more {
        newest_first.first().map(|m| m.seq)
    } else {
        None
    };
    MessagePage {
        items: newest_first,
        next_cursor,
    }
}
