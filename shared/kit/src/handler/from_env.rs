//! The Kafka-pull trigger as a function's `main` starts it: with `EVENT_BUS=kafka://...` (and
//! `TOPIC_PREFIX`, `KAFKA_REPLICATION_FACTOR`, and the TLS and SASL settings of
//! [`KafkaSecurity`](crate::bus::KafkaSecurity) a managed cluster needs), the handler runs as its
//! consumer group until the process is asked to stop, rejoining after bus failures; without it,
//! events arrive by HTTP push only (Knative, Dapr) and nothing is started.

use std::sync::Arc;

use tokio::task::JoinHandle;

use super::{ConsumeSettings, EventHandler, consume_until_shutdown};
use crate::bus::Start;
use crate::settings::common;

/// Starts `handler` on `topics` (names without the prefix) when `EVENT_BUS` names a Kafka cluster;
/// a group that never committed begins at `start`.
///
/// # Errors
/// A readable message for a bad `EVENT_BUS`, `KAFKA_REPLICATION_FACTOR` or Kafka security setting.
pub fn spawn_kafka_consumer(
    handler: Arc<dyn EventHandler>,
    topics: &[&str],
    start: Start,
) -> Result<Option<JoinHandle<()>>, String> {
    let Some(url) = common::EVENT_BUS.value().filter(|url| url.starts_with("kafka://")) else {
        return Ok(None);
    };
    let bus = crate::bus::from_env(&url).map_err(|e| e.to_string())?;
    let prefix = common::TOPIC_PREFIX.value().unwrap_or_default();
    let topics: Vec<String> = topics.iter().map(|t| format!("{prefix}{t}")).collect();
    let settings = ConsumeSettings {
        dead_letter_topic: format!("{prefix}{}", todo_events::Topic::DeadLetter.name()),
        start,
        ..ConsumeSettings::default()
    };
    Ok(Some(tokio::spawn(async move {
        consume_until_shutdown(
            bus.as_ref(),
            handler.as_ref(),
            &topics,
            &settings,
            crate::serve::shutdown_signal(),
        )
        .await;
    })))
}
