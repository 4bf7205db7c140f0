//! Keeping a consumer running: [`consume`](super::consume) returns when the bus fails (a broker
//! restart, a rebalance error); a long-running function wants it back as soon as the bus is, with
//! growing pauses so a dead broker is not hammered.

use std::time::Duration;

use super::{ConsumeSettings, EventHandler, consume};
use crate::bus::EventBus;

/// Longest pause between restarts.
const MAX_PAUSE: Duration = Duration::from_secs(30);

/// Runs `handler` as a consumer of `topics` on `bus` until `shutdown` resolves, starting it again
/// after every bus failure (200 ms, doubling to 30 s; reset once it ran for a minute). On shutdown
/// the event in hand is finished and committed first.
pub async fn consume_until_shutdown(
    bus: &dyn EventBus,
    handler: &dyn EventHandler,
    topics: &[String],
    settings: &ConsumeSettings,
    shutdown: impl Future<Output = ()>,
) {
    restart_until_shutdown(handler.name(), shutdown, |stop| {
        consume(bus, handler, topics, settings, stop)
    })
    .await;
}

/// A stop signal handed to each run of [`restart_until_shutdown`].
pub type StopSignal = std::pin::Pin<Box<dyn Future<Output = ()> + Send>>;

/// Runs `run` until `shutdown` resolves: each run gets a signal that resolves on shutdown, and a
/// run that ends with an error (a broker or store outage) is started again after a pause (200 ms,
/// doubling to 30 s; reset once a run lasted a minute). `name` names it in the logs.
pub async fn restart_until_shutdown<F, Fut, E>(name: &str, shutdown: impl Future<Output = ()>, mut run: F)
where
    F: FnMut(StopSignal) -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: std::fmt::Display,
{
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let signal = async move {
        shutdown.await;
        let _ = stop.send(true);
    };
    let work = async {
        let mut pause = Duration::from_millis(200);
        loop {
            let started = std::time::Instant::now();
            let mut watch = stopped.clone();
            let stop_signal: StopSignal = Box::pin(async move {
                let _ = watch.wait_for(|stop| *stop).await;
            });
            match run(stop_signal).await {
                Ok(()) => return,
                Err(error) => {
                    if started.elapsed() > Duration::from_secs(60) {
                        pause = Duration::from_millis(200);
                    }
                    tracing::warn!(consumer = name, %error, retry_in_ms = pause.as_millis(), "consumer stopped; restarting");
                }
            }
            let mut watch = stopped.clone();
            tokio::select! {
                _ = watch.wait_for(|stop| *stop) => return,
                () = tokio::time::sleep(pause) => {}
            }
            pause = (pause * 2).min(MAX_PAUSE);
        }
    };
    tokio::join!(signal, work);
}
