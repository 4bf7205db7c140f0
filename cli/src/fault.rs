//! Fault injection for chaos drills and tests of `todo serve`: `TODO_FAULT_FAILING_CONSUMER=notifier`
//! makes that consumer's handler refuse every event as poison, so the consumer dead-letters each one,
//! the way a consumer broken by a bad release does. (A retryable failure, a database away, is
//! retried for an hour and shows as consumer lag instead: `ConsumeSettings::retry_for`.) aiops'
//! watch sees its dead-letter rate rise, opens an incident and proposes to pause it. Never set it
//! in earnest: it loses that consumer's effects until the dead letters are replayed.

use std::sync::Arc;

use async_trait::async_trait;
use todo_events::DomainEvent;
use todo_kit::handler::{EventHandler, HandlerError, Outcome};

use crate::background::Consumer;

/// The variable that names the consumer to break.
pub(crate) const TODO_FAULT_FAILING_CONSUMER: &str = "TODO_FAULT_FAILING_CONSUMER";

/// A handler that refuses every event, without calling the one it stands in for.
struct Failing {
    inner: Arc<dyn EventHandler>,
}

#[async_trait]
impl EventHandler for Failing {
    fn name(&self) -> &str {
        self.inner.name()
    }

    async fn handle(&self, _event: &DomainEvent) -> Result<Outcome, HandlerError> {
        Err(HandlerError::Poison(format!(
            "fault injected by {TODO_FAULT_FAILING_CONSUMER}={}",
            self.inner.name()
        )))
    }
}

/// `consumers` with the one named `failing` (if any) breaking every event.
///
/// # Errors
/// When no consumer has that name: a drill that breaks nothing would pass for a healthy one.
pub(crate) fn inject(consumers: Vec<Consumer>, failing: Option<&str>) -> anyhow::Result<Vec<Consumer>> {
    let Some(failing) = failing else {
        return Ok(consumers);
    };
    anyhow::ensure!(
        consumers.iter().any(|c| c.handler.name() == failing),
        "{TODO_FAULT_FAILING_CONSUMER}={failing} names no consumer of todo serve (consumers: {})",
        consumers
            .iter()
            .map(|c| c.handler.name())
            .filter(|name| !name.starts_with("live-"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    tracing::warn!(
        consumer = failing,
        "fault injected: the consumer fails every event (retried, then dead-lettered) until todo serve restarts without {TODO_FAULT_FAILING_CONSUMER}"
    );
    Ok(consumers
        .into_iter()
        .map(|consumer| {
            if consumer.handler.name() != failing {
                return consumer;
            }
            Consumer {
                handler: Arc::new(Failing {
                    inner: consumer.handler,
                }),
                topics: consumer.topics,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use todo_events::payloads::SessionExpired;
    use todo_events::{EventMetadata, EventPayload};

    use super::*;

    struct Named(&'static str);

    #[async_trait]
    impl EventHandler for Named {
        fn name(&self) -> &str {
            self.0
        }

        async fn handle(&self, _: &DomainEvent) -> Result<Outcome, HandlerError> {
            Ok(Outcome::Done)
        }
    }

    fn consumers() -> Vec<Consumer> {
        ["analytics", "notifier"]
            .into_iter()
            .map(|name| Consumer {
                handler: Arc::new(Named(name)),
                topics: vec!["task-events".into()],
            })
            .collect()
    }

    fn event() -> DomainEvent {
        let payload = EventPayload::SessionExpired(SessionExpired {
            session_id: "s1".into(),
            duration: 1,
            message_count: 1,
        });
        DomainEvent::new("/test", chrono::Utc::now(), EventMetadata::default(), payload)
    }

    #[tokio::test]
    async fn only_the_named_consumer_fails_and_as_poison() {
        let injected = inject(consumers(), Some("notifier")).unwrap();
        let notifier = injected[1].handler.handle(&event()).await;
        assert!(
            matches!(&notifier, Err(HandlerError::Poison(reason)) if reason.contains("TODO_FAULT_FAILING_CONSUMER=notifier")),
            "{notifier:?}"
        );
        assert_eq!(injected[1].handler.name(), "notifier");
        assert_eq!(injected[0].handler.handle(&event()).await, Ok(Outcome::Done));
    }

    #[test]
    fn a_fault_on_a_consumer_that_does_not_run_is_refused() {
        let refused = inject(consumers(), Some("notifer")).err().unwrap().to_string();
        assert!(refused.contains("analytics, notifier"), "{refused}");
        assert_eq!(inject(consumers(), None).unwrap().len(), 2);
    }
}
