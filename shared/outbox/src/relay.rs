//! [`Relay`]: one outbox source, one bus. A step takes (or keeps) the source's leadership and
//! publishes its backlog (`publish`); the loop (`run`) and the triggered drain (`drain`) repeat
//! steps; the backlog gauges and pruning are here.

use std::sync::Arc;

use chrono::Utc;
use todo_kit::bus::{BusError, EventBus};
use todo_kit::metrics::metrics;

use crate::source::{OutboxSource, SourceLeader};
use crate::{RelayError, RelaySettings, Step};

/// Publishes an outbox to a bus.
#[derive(Clone)]
pub struct Relay {
    pub(crate) source: Arc<dyn OutboxSource>,
    pub(crate) bus: Arc<dyn EventBus>,
    pub(crate) settings: RelaySettings,
    /// This relay's leadership of the outbox, once it has it.
    leader: Arc<tokio::sync::Mutex<Option<Box<dyn SourceLeader>>>>,
}

impl std::fmt::Debug for Relay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Relay")
            .field("source", &self.source)
            .field("bus", &self.bus)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Relay {
    /// A relay from the outbox `source` to `bus`.
    pub fn new(source: Arc<dyn OutboxSource>, bus: Arc<dyn EventBus>, settings: RelaySettings) -> Self {
        Self {
            source,
            bus,
            settings,
            leader: Arc::default(),
        }
    }

    /// The `service` label of this relay's metrics (its source's name).
    pub(crate) fn service(&self) -> &'static str {
        self.source.name()
    }

    /// Creates the source's topics on the bus (idempotent).
    ///
    /// # Errors
    /// When the bus refuses or cannot be reached.
    pub async fn ensure_topics(&self) -> Result<(), BusError> {
        for topic in self.source.topics() {
            self.bus
                .ensure_topic(
                    &format!("{}{}", self.settings.topic_prefix, topic.name()),
                    topic.partitions(),
                )
                .await?;
        }
        Ok(())
    }

    /// Publishes what waits in the outbox, for at most about a second: claims batches and keeps
    /// up to `in_flight` of them on the way to the broker, acknowledging each once the bus did.
    /// `Busy` when another relay leads.
    ///
    /// # Errors
    /// When the outbox or the bus fails. Batches that were acknowledged leave the outbox; the
    /// others stay pending. After an outbox failure this relay gives up its leadership, which it
    /// may have lost with its connection, and asks for it again on the next step.
    pub async fn step(&self) -> Result<Step, RelayError> {
        let mut leader = self.leader.lock().await;
        if leader.is_none() {
            *leader = self.source.lead().await?;
        }
        let Some(leading) = leader.as_deref() else {
            return Ok(Step::Busy);
        };
        let result = self.publish_backlog(leading).await;
        if matches!(
            result,
            Ok(Step::Busy) | Err(RelayError::Outbox(_) | RelayError::Mark(_))
        ) {
            *leader = None;
        }
        result
    }

    /// `/healthz`, `/readyz` (the outbox answers) and `/metrics`, for probes and scrapes.
    pub fn ops_router(&self) -> axum::Router {
        let source = self.source.clone();
        let readiness = todo_kit::health::ready_when(move || {
            let source = source.clone();
            async move { source.backlog().await.map(|_| ()).map_err(|e| e.to_string()) }
        });
        todo_kit::health::router(readiness).merge(todo_kit::metrics::router())
    }

    /// Refreshes `outbox_pending` and `outbox_oldest_pending_seconds` from the outbox (when its
    /// source tells its backlog).
    ///
    /// # Errors
    /// When the outbox cannot be read; the gauges keep their last values.
    pub async fn sample_backlog(&self) -> Result<(), RelayError> {
        let Some(backlog) = self.source.backlog().await? else {
            return Ok(());
        };
        let m = metrics();
        m.outbox_pending
            .with_label_values(&[self.service()])
            .set(backlog.pending);
        let age = backlog
            .oldest
            .map_or(0.0, |oldest| (Utc::now() - oldest).as_seconds_f64().max(0.0));
        m.outbox_oldest_pending.with_label_values(&[self.service()]).set(age);
        Ok(())
    }

    /// Deletes published rows past retention.
    pub(crate) async fn prune(&self) {
        let Ok(retention) = chrono::Duration::from_std(self.settings.retention) else {
            return;
        };
        match self.source.prune_published(Utc::now() - retention).await {
            Ok(0) => {}
            Ok(count) => tracing::info!(outbox = self.service(), count, "pruned published outbox rows"),
            Err(error) => tracing::warn!(outbox = self.service(), %error, "cannot prune the outbox"),
        }
    }
}
