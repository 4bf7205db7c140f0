//! The analytics binary. Serves the query API and HTTP push delivery of events (Knative
//! KafkaSource/Trigger, Dapr) on `$PORT`, or as a Lambda when `AWS_LAMBDA_RUNTIME_API` is set.
//!
//! Environment:
//! - `DATABASE_URL` (required): `postgres://...` in the cluster, `sqlite://path` for one instance.
//! - `EVENT_BUS`: `kafka://host:port,...` also runs consumer group `analytics` on task-events,
//!   session-events, intent-events and notification-events, restarted with backoff when the bus
//!   fails; unset or `memory://` leaves delivery to HTTP push.
//! - `TOPIC_PREFIX`: put in front of every topic name (default none).
//! - `KAFKA_REPLICATION_FACTOR`: for topics the consumer creates (default 1).
//! - `AUTH_JWT_SECRET` or `AUTH_JWKS_URL` (with `AUTH_ISSUER`, `AUTH_AUDIENCE`): bearer tokens.
//! - `PORT`, `HOST`: where to listen (default 0.0.0.0:8080); `RUST_LOG` for the log filter.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use todo_kit::auth::AuthSettings;
use todo_kit::handler::spawn_kafka_consumer;
use todo_kit::settings::{ServerSettings, env_var};
use todo_kit::{Authenticator, serve, telemetry};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    telemetry::init(env!("CARGO_PKG_NAME"));
    let server = ServerSettings::from_env().map_err(anyhow::Error::msg)?;
    let database_url = env_var("DATABASE_URL").context("DATABASE_URL must name the read model's database")?;
    let analytics = analytics::connect(&database_url)
        .await
        .context("Failed to open the analytics read model")?;
    let auth = Arc::new(Authenticator::new(&AuthSettings::from_env())?);
    let prefix = env_var("TOPIC_PREFIX").unwrap_or_default();
    let topics = analytics::prefixed_topics(&prefix);

    let consumer = spawn_kafka_consumer(analytics.handler.clone(), &analytics::topics()).map_err(anyhow::Error::msg)?;

    let router = analytics::app_with_push(analytics.state(auth), analytics.handler.clone(), topics, "pubsub");
    let served = serve::serve(router, server.addr).await;
    // The consumer stops on the same signal, after committing the event in hand.
    if let Some(consumer) = consumer
        && tokio::time::timeout(Duration::from_secs(10), consumer).await.is_err()
    {
        tracing::warn!("the consumer did not stop within 10 s");
    }
    telemetry::shutdown();
    served
}
