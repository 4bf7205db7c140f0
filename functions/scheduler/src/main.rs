//! The scheduler binary. `DATABASE_URL` (the task database, `postgres://...`), `EVENT_BUS`
//! (`kafka://host:port,...`: consume `task-events` as group `scheduler`; default none, relying on
//! HTTP push), `TOPIC_PREFIX`, `SCHEDULER_TICK_SECONDS` (an internal tick; default 0 = none, the
//! cluster's PingSource posts `/ping` every minute). Serves on `$PORT` or as a Lambda: `POST /ping`,
//! `POST /` (task.completed pushed by a KafkaSource/Trigger), health and `/metrics`.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use scheduler::{Announcer, NextOccurrence, system_clock};
use todo_kit::handler::{EventHandler, spawn_kafka_consumer};
use todo_kit::settings::{ServerSettings, env_var};
use todo_kit::{serve, telemetry};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    telemetry::init(env!("CARGO_PKG_NAME"));
    let server = ServerSettings::from_env().map_err(anyhow::Error::msg)?;
    let database_url = env_var("DATABASE_URL").context("DATABASE_URL is required (the task database)")?;
    let store = todo_tasks::store::connect(&database_url)
        .await
        .context("Failed to open the task database")?;
    let tick_seconds: u64 = env_var("SCHEDULER_TICK_SECONDS")
        .map_or(Ok(0), |v| v.parse())
        .context("SCHEDULER_TICK_SECONDS must be a number of seconds")?;
    let prefix = env_var("TOPIC_PREFIX").unwrap_or_default();
    let topics = vec![format!("{prefix}{}", todo_events::Topic::TaskEvents.name())];

    let clock = system_clock();
    let announcer = Arc::new(Announcer::new(store.clone()));
    let handler: Arc<dyn EventHandler> = Arc::new(NextOccurrence::new(store.clone(), clock.clone()));

    let mut workers = Vec::new();
    if tick_seconds > 0 {
        let (announcer, clock) = (announcer.clone(), clock.clone());
        workers.push(tokio::spawn(async move {
            announcer
                .run(clock, Duration::from_secs(tick_seconds), serve::shutdown_signal())
                .await;
        }));
    }
    if let Some(consumer) =
        spawn_kafka_consumer(handler.clone(), &[todo_events::Topic::TaskEvents.name()]).map_err(anyhow::Error::msg)?
    {
        workers.push(consumer);
    }

    let app = scheduler::app(store, announcer, clock, handler, topics);
    serve::serve(app, server.addr).await?;
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        for worker in workers {
            let _ = worker.await;
        }
    })
    .await;
    telemetry::shutdown();
    Ok(())
}
