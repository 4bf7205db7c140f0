//! The outbox-relay binary: [`outbox_relay::FUNCTION`] served by the kit (probes, metrics,
//! `/work/drain` and `/dead-letter` on `$PORT`). Its settings are listed in that description
//! (`todo functions outbox-relay`). Stops on SIGTERM or Ctrl-C after the batches in flight.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    todo_kit::function::run(&outbox_relay::FUNCTION, outbox_relay::start).await
}
