//! The task store's transactional outbox (PostgreSQL or SQLite, see `todo_tasks::store::Outbox`)
//! as a source of the relay: its leadership, claims and marks as they are, and each row read as
//! the CloudEvent it stores, for the topic and key of its columns.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use todo_events::Topic;
use todo_kit::bus::structured::read_structured;
use todo_outbox::Backlog;
use todo_outbox::source::{Claim, Message, OutboxSource, Receipt, SourceError, SourceEvent, SourceLeader, Unreadable};
use todo_tasks::store::{Outbox, OutboxClaim, OutboxLeader, OutboxRow};

/// The task store's outbox, published by outbox-relay (the `service` label of its metrics).
#[derive(Debug, Clone)]
pub struct TaskOutbox(Arc<dyn Outbox>);

impl TaskOutbox {
    /// The source of `outbox`.
    pub fn new(outbox: Arc<dyn Outbox>) -> Self {
        Self(outbox)
    }
}

#[async_trait]
impl OutboxSource for TaskOutbox {
    fn name(&self) -> &'static str {
        crate::SERVICE
    }

    /// Every topic of the catalog: the relay of the task outbox is where a cluster's topics are
    /// made (other functions' events come through it too, see `todo_tasks::store::enqueue_postgres`).
    fn topics(&self) -> &'static [Topic] {
        &Topic::ALL
    }

    async fn lead(&self) -> Result<Option<Box<dyn SourceLeader>>, SourceError> {
        Ok(self
            .0
            .lead()
            .await
            .map_err(SourceError::new)?
            .map(|leader| Box::new(TaskLeader(leader)) as Box<dyn SourceLeader>))
    }

    async fn wait_for_rows(&self, max_wait: Duration) {
        self.0.wait_for_rows(max_wait).await;
    }

    async fn backlog(&self) -> Result<Option<Backlog>, SourceError> {
        let backlog = self.0.backlog().await.map_err(SourceError::new)?;
        Ok(Some(Backlog {
            pending: backlog.pending,
            oldest: backlog.oldest,
        }))
    }

    async fn prune_published(&self, before: DateTime<Utc>) -> Result<u64, SourceError> {
        self.0.prune_published(before).await.map_err(SourceError::new)
    }
}

struct TaskLeader(Box<dyn OutboxLeader>);

#[async_trait]
impl SourceLeader for TaskLeader {
    async fn claim(&self, limit: usize) -> Result<Option<Claim>, SourceError> {
        let claim = self
            .0
            .claim(i64::try_from(limit).unwrap_or(i64::MAX))
            .await
            .map_err(SourceError::new)?;
        Ok(Some(Claim {
            events: claim.rows().iter().map(event).collect(),
            receipt: Box::new(TaskReceipt(claim)),
        }))
    }
}

struct TaskReceipt(Box<dyn OutboxClaim>);

#[async_trait]
impl Receipt for TaskReceipt {
    async fn acknowledge(self: Box<Self>, at: DateTime<Utc>) -> Result<(), SourceError> {
        self.0.mark_published(at).await.map_err(SourceError::new)
    }
}

/// The event of a row: the CloudEvent of `event_data`, for the row's topic and key. Its data
/// stays JSON text on the way to the bus (`todo_kit::bus::structured`).
fn event(row: &OutboxRow) -> SourceEvent {
    let message = match read_structured(&row.event_data) {
        Ok(event) => Ok(Message {
            topic: row.topic.clone(),
            key: row.partition_key.clone(),
            event,
        }),
        Err(error) => Err(Unreadable {
            id: row.event_id.to_string(),
            data: serde_json::json!({
                "outbox_id": row.id, "topic": row.topic, "error": error, "row": stored_json(&row.event_data),
            }),
            error,
        }),
    };
    SourceEvent {
        outbox_id: row.id.to_string(),
        written_at: Some(row.created_at),
        message,
    }
}

/// What a row stored, for a dead letter: its JSON, or its text when it is not JSON.
fn stored_json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_owned()))
}
