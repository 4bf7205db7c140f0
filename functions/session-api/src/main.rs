//! The session-api binary: `SESSION_STORE` (`redis://host:6379`, default `memory://` for a single
//! instance), `SESSION_KEY_PREFIX` (default `todo:`), `SESSION_TTL_SECONDS` (default 1800),
//! `EVENT_BUS` (`kafka://host:port,...`, default `memory://`), `TOPIC_PREFIX`, and
//! `AUTH_JWT_SECRET` or `AUTH_JWKS_URL`. Serves on `$PORT` or as a Lambda, and runs the worker
//! that publishes session events and expires idle sessions.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use session_api::{AppState, SessionSettings, SessionWorker, WorkerSettings};
use todo_kit::auth::AuthSettings;
use todo_kit::settings::{ServerSettings, env_var};
use todo_kit::{Authenticator, serve, telemetry};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    telemetry::init(env!("CARGO_PKG_NAME"));
    let server = ServerSettings::from_env().map_err(anyhow::Error::msg)?;
    let ttl = match env_var("SESSION_TTL_SECONDS") {
        Some(v) => v.parse().context("SESSION_TTL_SECONDS must be a number of seconds")?,
        None => 1800,
    };
    let settings = SessionSettings {
        ttl: Duration::from_secs(ttl),
        ..SessionSettings::default()
    };
    let url = env_var("SESSION_STORE").unwrap_or_else(|| "memory://".into());
    let prefix = env_var("SESSION_KEY_PREFIX").unwrap_or_else(|| "todo:".into());
    let store = session_api::store::connect(&url, settings, &prefix)
        .await
        .context("Failed to open the session store")?;
    let bus_url = env_var("EVENT_BUS").unwrap_or_else(|| "memory://".into());
    let replication = env_var("KAFKA_REPLICATION_FACTOR")
        .map_or(Ok(1), |v| v.parse())
        .context("KAFKA_REPLICATION_FACTOR")?;
    let bus = todo_kit::bus::connect(&bus_url, replication)?;
    let worker = SessionWorker::new(
        store.clone(),
        bus,
        WorkerSettings {
            topic_prefix: env_var("TOPIC_PREFIX").unwrap_or_default(),
            ..WorkerSettings::default()
        },
    );
    let auth = Arc::new(Authenticator::new(&AuthSettings::from_env())?);
    let worker = tokio::spawn(async move { worker.run(serve::shutdown_signal()).await });
    serve::serve(session_api::app(AppState { store, auth }), server.addr).await?;
    let _ = tokio::time::timeout(Duration::from_secs(5), worker).await;
    telemetry::shutdown();
    Ok(())
}
