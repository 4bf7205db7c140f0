//! The task-api binary: settings from the environment, then serve `task_api::app` on `$PORT` or
//! as a Lambda. Needs `DATABASE_URL` and `AUTH_JWT_SECRET` or `AUTH_JWKS_URL`. With
//! `EVENT_BUS=kafka://...` (and `TOPIC_PREFIX`) it also serves the live stream `GET /api/stream`,
//! fed by a consumer group of its own per instance.

use std::sync::Arc;

use anyhow::Context;
use task_api::AppState;
use todo_kit::auth::AuthSettings;
use todo_kit::handler::spawn_kafka_consumer;
use todo_kit::live::{FeedHandler, LiveFeed};
use todo_kit::settings::{ServerSettings, env_var};
use todo_kit::{Authenticator, serve, telemetry};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    telemetry::init(env!("CARGO_PKG_NAME"));
    let server = ServerSettings::from_env().map_err(anyhow::Error::msg)?;
    let database_url = env_var("DATABASE_URL").context("DATABASE_URL is not set (postgres://... or sqlite://...)")?;
    let store = todo_tasks::store::connect(&database_url)
        .await
        .context("Failed to open the task store")?;
    let auth = Arc::new(Authenticator::new(&AuthSettings::from_env())?);
    let mut router = task_api::service(AppState::new(store, auth.clone()));
    let mut feeder = None;
    if env_var("EVENT_BUS").is_some_and(|url| url.starts_with("kafka://")) {
        let feed = LiveFeed::new(2000);
        router = router.merge(todo_kit::live::router(feed.clone(), auth));
        let handler = Arc::new(FeedHandler::new(format!("live-{}", uuid::Uuid::new_v4()), feed));
        feeder = spawn_kafka_consumer(handler, &[todo_events::Topic::TaskEvents.name()]).map_err(anyhow::Error::msg)?;
    }
    let served = serve::serve(todo_kit::layers::standard(router), server.addr).await;
    if let Some(feeder) = feeder {
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), feeder).await;
    }
    telemetry::shutdown();
    served
}
