//! The event handler that keeps the read model: [`AnalyticsHandler`] applies one event's
//! [`Change`](crate::change::Change) inside the transaction that [`Idempotent`] opens and in which
//! it records the event's key, so a repeated delivery changes nothing.
//!
//! [`Idempotent`]: todo_kit::idempotency::Idempotent

use async_trait::async_trait;
use todo_events::DomainEvent;
use todo_kit::handler::{HandlerError, Outcome};
use todo_kit::idempotency::TransactionalHandler;

use crate::Error;
use crate::change::change_of;
use crate::model::CONSUMER;
use crate::store::Sql;

/// Applies task, session, intent and notification events to the read model.
#[derive(Debug, Clone, Copy, Default)]
pub struct AnalyticsHandler;

/// A failing store: the database may come back (retry); a corrupt row will not (poison).
fn handler_error(error: Error) -> HandlerError {
    match error {
        Error::Database(e) => HandlerError::Retryable(format!("read model database: {e}")),
        other => HandlerError::Poison(other.to_string()),
    }
}

/// One handler for both engines: the store's statements are written once over [`Sql`].
#[async_trait]
impl<D: Sql> TransactionalHandler<D> for AnalyticsHandler {
    fn name(&self) -> &str {
        CONSUMER
    }

    #[tracing::instrument(name = "analytics.apply", skip_all, fields(ce_id = %event.id, ce_type = %event.event_type()))]
    async fn apply(&self, tx: &mut D::Connection, event: &DomainEvent) -> Result<Outcome, HandlerError> {
        let Some(change) = change_of(event).map_err(HandlerError::Poison)? else {
            return Ok(Outcome::Skipped);
        };
        D::apply(tx, &change).await.map_err(handler_error)?;
        Ok(Outcome::Done)
    }
}
