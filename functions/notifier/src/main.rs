//! The notifier binary. Serves the webhooks API, `/healthz`, `/readyz`, `/metrics`,
//! `/api/openapi.json` and the CloudEvents push routes (`POST /`, Dapr's `/dapr/*`) on `$PORT`
//! (or as a Lambda), runs the delivery worker, and with a Kafka bus also consumes the domain
//! topics as group `notifier`.
//!
//! Environment:
//! - `DATABASE_URL` (required): the task database, `postgres://...` or `sqlite://...`.
//! - `EVENT_BUS`: `kafka://host:port,...` to consume from Kafka; otherwise (default `memory://`)
//!   events arrive only by HTTP push (Knative, Dapr).
//! - `TOPIC_PREFIX`: prefix of topic names (default none); `KAFKA_REPLICATION_FACTOR` (default 1).
//! - `WEBHOOK_ALLOW_PRIVATE_TARGETS` (default false), `WEBHOOK_TIMEOUT_SECONDS` (10),
//!   `WEBHOOK_RETRY_HORIZON_SECONDS` (86400), `WEBHOOK_BACKOFF_BASE_SECONDS` (5),
//!   `WEBHOOK_BACKOFF_CAP_SECONDS` (3600), `WEBHOOK_MAX_IN_FLIGHT` (32),
//!   `WEBHOOK_MAX_SUBSCRIPTIONS` (25): see [`notifier::Settings`].
//! - `AUTH_JWT_SECRET` or `AUTH_JWKS_URL`, with optional `AUTH_ISSUER`, `AUTH_AUDIENCE`.
//! - `PORT` (default 8080), `HOST`, `RUST_LOG`.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use notifier::{Settings, TOPICS};
use todo_kit::auth::AuthSettings;
use todo_kit::handler::{push, spawn_kafka_consumer};
use todo_kit::settings::{ServerSettings, env_var};
use todo_kit::{Authenticator, serve, telemetry};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    telemetry::init(env!("CARGO_PKG_NAME"));
    let server = ServerSettings::from_env().map_err(anyhow::Error::msg)?;
    let settings = Settings::from_env().map_err(anyhow::Error::msg)?;
    let database_url = env_var("DATABASE_URL").context("DATABASE_URL must name the task database")?;
    let auth = Arc::new(Authenticator::new(&AuthSettings::from_env())?);
    let notifier = notifier::connect(&database_url, settings, auth)
        .await
        .context("Failed to open the notifier's database")?;
    let prefix = env_var("TOPIC_PREFIX").unwrap_or_default();
    let topics: Vec<String> = TOPICS.iter().map(|t| format!("{prefix}{}", t.name())).collect();

    let worker = tokio::spawn(notifier.worker.clone().run(serve::shutdown_signal()));
    let topic_names: Vec<&str> = TOPICS.iter().map(|t| t.name()).collect();
    let consumer = spawn_kafka_consumer(notifier.handler.clone(), &topic_names).map_err(anyhow::Error::msg)?;
    let pushed = push::router(notifier.handler.clone(), topics, "pubsub");
    let app = notifier::app_with(notifier.state.clone(), pushed);
    let served = serve::serve(app, server.addr).await;
    // The consumer stops on the same signal, after committing the event in hand.
    if let Some(consumer) = consumer
        && tokio::time::timeout(Duration::from_secs(10), consumer).await.is_err()
    {
        tracing::warn!("the consumer did not stop within 10 s");
    }
    // The worker got the same shutdown signal; let the requests in flight finish.
    if tokio::time::timeout(Duration::from_secs(15), worker).await.is_err() {
        tracing::warn!("the delivery worker did not stop in time");
    }
    telemetry::shutdown();
    served
}
