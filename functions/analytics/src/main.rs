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
use todo_kit::bus::EventBus;
use todo_kit::handler::{ConsumeSettings, EventHandler, consume};
use todo_kit::settings::{ServerSettings, env_var};
use todo_kit::{Authenticator, serve, telemetry};
use tokio::sync::watch;

/// Longest pause before the consumer joins its group again after the bus failed.
const MAX_RESTART_BACKOFF: Duration = Duration::from_secs(60);

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

    let (stop, stopped) = watch::channel(false);
    let consumer = match env_var("EVENT_BUS").filter(|url| url.starts_with("kafka://")) {
        Some(url) => {
            let replication = env_var("KAFKA_REPLICATION_FACTOR")
                .map_or(Ok(1), |v| v.parse())
                .context("KAFKA_REPLICATION_FACTOR must be a number")?;
            let bus = todo_kit::bus::connect(&url, replication)?;
            let settings = ConsumeSettings {
                dead_letter_topic: format!("{prefix}{}", todo_events::Topic::DeadLetter.name()),
                ..ConsumeSettings::default()
            };
            let (handler, topics) = (analytics.handler.clone(), topics.clone());
            Some(tokio::spawn(run_consumer(bus, handler, topics, settings, stopped)))
        }
        None => None,
    };

    let router = analytics::app_with_push(analytics.state(auth), analytics.handler.clone(), topics, "pubsub");
    let served = serve::serve(router, server.addr).await;
    if let Some(consumer) = consumer {
        let _ = stop.send(true);
        if tokio::time::timeout(Duration::from_secs(10), consumer).await.is_err() {
            tracing::warn!("the consumer did not stop within 10 s");
        }
    }
    telemetry::shutdown();
    served
}

/// Runs the consumer group until `stopped` turns true, joining again with backoff whenever the
/// bus fails, so a broker outage does not end the function.
async fn run_consumer(
    bus: Arc<dyn EventBus>,
    handler: Arc<dyn EventHandler>,
    topics: Vec<String>,
    settings: ConsumeSettings,
    mut stopped: watch::Receiver<bool>,
) {
    let mut backoff = Duration::from_secs(1);
    loop {
        let mut stop = stopped.clone();
        let shutdown = async move {
            let _ = stop.wait_for(|stopped| *stopped).await;
        };
        let started = std::time::Instant::now();
        match consume(bus.as_ref(), handler.as_ref(), &topics, &settings, shutdown).await {
            Ok(()) => {
                tracing::info!("consumer stopped");
                return;
            }
            Err(error) => {
                if started.elapsed() > MAX_RESTART_BACKOFF {
                    // It ran fine for a while: this is a new outage, start the backoff over.
                    backoff = Duration::from_secs(1);
                }
                tracing::error!(error.message = %error, backoff_s = backoff.as_secs(), "consumer failed; joining again");
            }
        }
        tokio::select! {
            _ = stopped.wait_for(|stopped| *stopped) => return,
            () = tokio::time::sleep(backoff) => {}
        }
        backoff = (backoff * 2).min(MAX_RESTART_BACKOFF);
    }
}
