//! The background work of `todo serve`: the outbox relay, the session worker, the event consumers
//! (analytics, notifier, scheduler's next occurrences, the live feed) on the bus, the webhook
//! delivery worker and the scheduler's tick. Each runs until the shutdown signal; consumers start
//! once the relay has created the topics. Every consumer runs behind a pause switch of its own
//! ([`pausable`]), which aiops' local executor holds.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use outbox_relay::Relay;
use scheduler::AnnounceWork;
use session_api::SessionWorker;
use todo_kit::bus::EventBus;
use todo_kit::handler::{ConsumeSettings, EventHandler, PausableHandler, Pause, consume_until_shutdown};
use todo_kit::serve::shutdown_signal;
use tokio::task::JoinSet;

/// A handler and the topics it consumes.
pub(crate) struct Consumer {
    pub(crate) handler: Arc<dyn EventHandler>,
    pub(crate) topics: Vec<String>,
}

/// `consumers` each behind a [`Pause`] of its own, and the switches by consumer name (what aiops'
/// `LocalExecutor` pauses and resumes).
pub(crate) fn pausable(consumers: Vec<Consumer>) -> (Vec<Consumer>, BTreeMap<String, Pause>) {
    let mut pauses = BTreeMap::new();
    let consumers = consumers
        .into_iter()
        .map(|consumer| {
            let pause = Pause::default();
            pauses.insert(consumer.handler.name().to_owned(), pause.clone());
            Consumer {
                handler: Arc::new(PausableHandler::new(consumer.handler, pause)),
                topics: consumer.topics,
            }
        })
        .collect();
    (consumers, pauses)
}

/// Everything that runs beside the HTTP server.
pub(crate) struct Background {
    pub(crate) bus: Arc<dyn EventBus>,
    pub(crate) relay: Arc<Relay>,
    pub(crate) sessions: Arc<SessionWorker>,
    pub(crate) consumers: Vec<Consumer>,
    pub(crate) deliveries: Arc<notifier::DeliveryWorker>,
    pub(crate) announce: AnnounceWork,
    /// How often the scheduler looks for due dates (the cluster's PingSource: every minute).
    pub(crate) tick: Duration,
    pub(crate) dead_letter_topic: String,
    /// The event archive (a folder under the data directory unless `ARCHIVE_STORE_URL` names one).
    pub(crate) archive: archiver::Archive,
    pub(crate) archive_batches: archiver::BatchSettings,
}

impl Background {
    /// Starts everything; the set ends when every part has stopped after the shutdown signal.
    pub(crate) fn start(self) -> JoinSet<()> {
        let mut set = JoinSet::new();
        let Background {
            bus,
            relay,
            sessions,
            consumers,
            deliveries,
            announce,
            tick,
            dead_letter_topic,
            archive,
            archive_batches,
        } = self;
        set.spawn(async move { sessions.run(shutdown_signal()).await });
        set.spawn(deliveries.run(shutdown_signal()));
        set.spawn(async move { announce.announcer.run(announce.clock, tick, shutdown_signal()).await });
        set.spawn(async move {
            if !create_topics(&relay).await {
                return;
            }
            let settings = ConsumeSettings {
                dead_letter_topic,
                ..ConsumeSettings::default()
            };
            let mut running = JoinSet::new();
            {
                let bus = bus.clone();
                let topics = archiver::FUNCTION.consumed_topics(&archive_batches.topic_prefix);
                running.spawn(async move {
                    archiver::archive_until_shutdown(
                        bus.as_ref(),
                        &archive,
                        &topics,
                        &archive_batches,
                        shutdown_signal(),
                    )
                    .await;
                });
            }
            for consumer in consumers {
                let (bus, settings) = (bus.clone(), settings.clone());
                running.spawn(async move {
                    consume_until_shutdown(
                        bus.as_ref(),
                        consumer.handler.as_ref(),
                        &consumer.topics,
                        &settings,
                        shutdown_signal(),
                    )
                    .await;
                });
            }
            relay.run(shutdown_signal()).await;
            running.join_all().await;
        });
        set
    }
}

/// Creates the topics, retrying while the bus is unreachable; `false` when shut down first.
async fn create_topics(relay: &Relay) -> bool {
    let mut wait = Duration::from_millis(200);
    loop {
        match relay.ensure_topics().await {
            Ok(()) => return true,
            Err(error) => {
                tracing::warn!(%error, retry_in_ms = wait.as_millis(), "cannot create the topics yet");
                tokio::select! {
                    () = shutdown_signal() => return false,
                    () = tokio::time::sleep(wait) => {}
                }
                wait = (wait * 2).min(Duration::from_secs(30));
            }
        }
    }
}
