//! The outbox-relay binary: `DATABASE_URL` (the outbox's database), `EVENT_BUS`
//! (`kafka://host:port,...`), optional `RELAY_BATCH_SIZE`, `RELAY_IN_FLIGHT` (batches on the way
//! to the broker at once, default 4), `RELAY_POLL_MS`, `OUTBOX_RETENTION_HOURS`,
//! `KAFKA_REPLICATION_FACTOR` and `TOPIC_PREFIX`; `/healthz`, `/readyz` and `/metrics` on `$PORT`
//! (default 8080). Stops on SIGTERM or Ctrl-C after the batches in flight.

use std::time::Duration;

use anyhow::Context;
use outbox_relay::{Relay, RelaySettings};
use todo_kit::settings::{ServerSettings, env_var};
use todo_kit::{serve, telemetry};

fn number<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T> {
    match env_var(name) {
        Some(value) => value
            .parse()
            .map_err(|_| anyhow::anyhow!("{name} must be a number, got '{value}'")),
        None => Ok(default),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    telemetry::init(env!("CARGO_PKG_NAME"));
    let database_url = env_var("DATABASE_URL").context("DATABASE_URL is not set")?;
    let bus_url = env_var("EVENT_BUS").context("EVENT_BUS is not set (kafka://host:port)")?;
    let settings = RelaySettings {
        batch_size: number("RELAY_BATCH_SIZE", 100)?,
        in_flight: number("RELAY_IN_FLIGHT", 4)?,
        poll: Duration::from_millis(number("RELAY_POLL_MS", 1000)?),
        retention: Duration::from_secs(number::<u64>("OUTBOX_RETENTION_HOURS", 168)? * 3600),
        topic_prefix: env_var("TOPIC_PREFIX").unwrap_or_default(),
    };
    let store = todo_tasks::store::connect(&database_url)
        .await
        .context("Failed to open the outbox database")?;
    let bus = todo_kit::bus::connect(&bus_url, number("KAFKA_REPLICATION_FACTOR", 1)?)?;
    let relay = Relay::new(store, bus, settings);
    relay.ensure_topics().await.context("Failed to create the topics")?;
    // Probes and the Prometheus scrape on $PORT, beside the relay loop; both stop on SIGTERM.
    let ops = serve::Server::bind(
        ServerSettings::from_env().map_err(anyhow::Error::msg)?.addr,
        relay.ops_router(),
    )
    .await?;
    tracing::info!(bus = %bus_url, ops = %ops.local_addr()?, "outbox relay running");
    let ops = tokio::spawn(ops.run_until_stopped());
    relay.run(serve::shutdown_signal()).await;
    ops.await.context("the probe server panicked")??;
    telemetry::shutdown();
    Ok(())
}
