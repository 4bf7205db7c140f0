//! task-api's description: what `knative/`, `keda/` and `todo functions` are checked against.

use std::sync::Arc;

use todo_events::{EventType, Topic};
use todo_kit::Authenticator;
use todo_kit::auth::AuthSettings;
use todo_kit::function::{EventDelivery, Function, Http, Parts};
use todo_kit::handler::spawn_kafka_consumer;
use todo_kit::settings::{Setting, common};

use crate::AppState;
use crate::live::{self, FeedHandler, LiveFeed};

/// `TASK_LIST_CACHE_MB`: the list cache's size per process.
pub const TASK_LIST_CACHE_MB: Setting = Setting::optional(
    "TASK_LIST_CACHE_MB",
    "the list cache's size per process in MB; 0 turns it off",
)
.default_value("16");
/// `DATABASE_MAX_CONNECTIONS`: the PostgreSQL pool's size.
pub const DATABASE_MAX_CONNECTIONS: Setting = Setting::optional(
    todo_tasks::store::MAX_CONNECTIONS_VARIABLE,
    "the PostgreSQL pool's size (default 16)",
);

const OWN: &[Setting] = &[common::DATABASE_URL, DATABASE_MAX_CONNECTIONS, TASK_LIST_CACHE_MB];

/// task-api as a deployable function. With a Kafka `EVENT_BUS` it also serves the live stream,
/// fed by a consumer group of its own per instance (every instance sees every event), which is
/// why `task-events` is not among the topics a trigger delivers.
pub const FUNCTION: Function = Function {
    name: "task-api",
    summary: "the task REST API; every write records history and outbox events in one transaction",
    http: Http::Public(&["/api/tasks", "/api/stream", "^/api/[^/]+/tasks(/.*)?$"]),
    consumes: &[],
    delivery: EventDelivery::Events,
    publishes: &[
        EventType::TaskCreated,
        EventType::TaskUpdated,
        EventType::TaskDeleted,
        EventType::TaskCompleted,
    ],
    settings: &[OWN, common::AUTH, common::BUS, common::SERVER, common::TELEMETRY],
    periodic: &[],
};

/// Opens the task store and, with a Kafka bus, the live feed of `GET /api/stream`.
///
/// # Errors
/// A bad setting or a database that cannot be opened.
pub async fn start() -> anyhow::Result<Parts> {
    use anyhow::Context;
    let database_url = common::DATABASE_URL.require()?;
    let store = todo_tasks::store::connect(&database_url)
        .await
        .context("Failed to open the task store")?;
    let auth = Arc::new(Authenticator::new(&AuthSettings::from_env())?);
    let mut parts = Parts {
        routes: crate::service(AppState::new(store, auth.clone())),
        ..Parts::default()
    };
    if common::EVENT_BUS.value().is_some_and(|url| url.starts_with("kafka://")) {
        let feed = LiveFeed::new(live::EVENTS_KEPT);
        parts.routes = parts.routes.merge(live::router(feed.clone(), auth));
        // Its own group per instance: every instance shows every event. From the end of the
        // topic: a live feed shows what happens from now on, not the topic's history again
        // after each restart.
        let handler = Arc::new(FeedHandler::new(format!("live-{}", uuid::Uuid::new_v4()), feed));
        parts.tasks.extend(
            spawn_kafka_consumer(handler, &[Topic::TaskEvents.name()], todo_kit::bus::Start::End)
                .map_err(anyhow::Error::msg)?,
        );
    }
    Ok(parts)
}
