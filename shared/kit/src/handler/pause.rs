//! A switch that holds a consumer still: while paused, its handler waits before each event
//! instead of handling it, so nothing is acknowledged, nothing is dead-lettered and no offset
//! moves; on resume it carries on from the event it was holding. This is how the aiops
//! function's local executor pauses a consumer that dead-letters in a loop inside `todo serve`
//! (in the cluster, KEDA or Knative scale the consumer to zero instead).

use std::sync::Arc;

use async_trait::async_trait;
use todo_events::DomainEvent;
use tokio::sync::watch;

use super::{EventHandler, HandlerError, Outcome};

/// A consumer's pause switch; clones share the switch.
#[derive(Debug, Clone)]
pub struct Pause {
    paused: Arc<watch::Sender<bool>>,
}

impl Default for Pause {
    fn default() -> Self {
        Self {
            paused: Arc::new(watch::Sender::new(false)),
        }
    }
}

impl Pause {
    /// Holds the consumer before its next event.
    pub fn pause(&self) {
        self.paused.send_replace(true);
    }

    /// Lets it go on.
    pub fn resume(&self) {
        self.paused.send_replace(false);
    }

    /// Whether it is held.
    pub fn is_paused(&self) -> bool {
        *self.paused.borrow()
    }

    /// Returns at once when running, else when resumed.
    async fn wait_until_running(&self) {
        let mut paused = self.paused.subscribe();
        // `wait_for` fails only when the sender is dropped, and `self` holds it.
        let _ = paused.wait_for(|paused| !*paused).await;
    }
}

/// A handler behind a [`Pause`].
pub struct PausableHandler {
    inner: Arc<dyn EventHandler>,
    pause: Pause,
}

impl std::fmt::Debug for PausableHandler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PausableHandler")
            .field("consumer", &self.inner.name())
            .field("pause", &self.pause)
            .finish()
    }
}

impl PausableHandler {
    pub fn new(inner: Arc<dyn EventHandler>, pause: Pause) -> Self {
        Self { inner, pause }
    }
}

#[async_trait]
impl EventHandler for PausableHandler {
    fn name(&self) -> &str {
        self.inner.name()
    }

    async fn handle(&self, event: &DomainEvent) -> Result<Outcome, HandlerError> {
        self.pause.wait_until_running().await;
        self.inner.handle(event).await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use todo_events::payloads::SessionExpired;
    use todo_events::{EventMetadata, EventPayload};

    use super::*;

    struct Counting(AtomicUsize);

    #[async_trait]
    impl EventHandler for Counting {
        fn name(&self) -> &str {
            "counting"
        }

        async fn handle(&self, _: &DomainEvent) -> Result<Outcome, HandlerError> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(Outcome::Done)
        }
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
    async fn a_paused_handler_holds_the_event_until_resumed() {
        let counting = Arc::new(Counting(AtomicUsize::new(0)));
        let pause = Pause::default();
        let handler = Arc::new(PausableHandler::new(counting.clone(), pause.clone()));
        assert_eq!(handler.handle(&event()).await, Ok(Outcome::Done));

        pause.pause();
        assert!(pause.is_paused());
        let held = tokio::spawn({
            let handler = handler.clone();
            async move { handler.handle(&event()).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!held.is_finished(), "the event is held while paused");
        assert_eq!(counting.0.load(Ordering::SeqCst), 1);

        pause.resume();
        assert_eq!(held.await.expect("joined"), Ok(Outcome::Done));
        assert_eq!(counting.0.load(Ordering::SeqCst), 2);
        assert_eq!(handler.name(), "counting");
    }
}
