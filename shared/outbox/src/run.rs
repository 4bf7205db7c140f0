//! The relay's loop: steps until shutdown, waking on new writes (PostgreSQL `LISTEN/NOTIFY`, in
//! process for SQLite, a poll for other sources) and at least every poll interval; pauses after
//! failures, samples the backlog gauges and prunes. Shutdown is seen between steps, so the
//! batches on the way when it comes are acknowledged first.

use std::time::Duration;

use crate::{Relay, RelayError, Step};

/// How often the backlog gauges are refreshed while the relay runs.
const BACKLOG_SAMPLE_EVERY: Duration = Duration::from_secs(2);

/// How often published rows past retention are pruned.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// What to wait for before the next step.
enum Wait {
    /// New rows (or the poll interval).
    Rows,
    /// This long.
    Sleep(Duration),
}

impl Relay {
    /// Steps until `shutdown` resolves; a failing step is retried after a pause that grows from
    /// `retry` to `retry_max`, and published rows past retention are pruned every hour.
    pub async fn run(&self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        let outbox = self.service();
        let mut backoff = self.settings.retry;
        let mut next_prune = tokio::time::Instant::now();
        let mut next_sample = tokio::time::Instant::now();
        loop {
            if tokio::time::Instant::now() >= next_prune {
                self.prune().await;
                next_prune = tokio::time::Instant::now() + PRUNE_EVERY;
            }
            if tokio::time::Instant::now() >= next_sample {
                if let Err(error) = self.sample_backlog().await {
                    tracing::debug!(outbox, %error, "cannot sample the outbox backlog");
                }
                next_sample = tokio::time::Instant::now() + BACKLOG_SAMPLE_EVERY;
            }
            let pause = match self.step().await {
                Ok(Step::Published(count)) => {
                    tracing::debug!(outbox, count, "published outbox batch");
                    backoff = self.settings.retry;
                    None
                }
                Ok(Step::Idle) => {
                    backoff = self.settings.retry;
                    Some(Wait::Rows)
                }
                Ok(Step::Busy) => Some(Wait::Sleep(self.settings.poll)),
                Err(error) => {
                    tracing::warn!(outbox, error = %error, retry_in_ms = backoff.as_millis(), "outbox relay step failed");
                    if matches!(error, RelayError::Bus(_)) {
                        // A broker that lost its topics (a restarted development broker, a
                        // recreated cluster) gets them back; this is idempotent otherwise.
                        if let Err(error) = self.ensure_topics().await {
                            tracing::debug!(outbox, %error, "cannot ensure the topics yet");
                        }
                    }
                    let wait = backoff;
                    backoff = (backoff * 2).min(self.settings.retry_max);
                    Some(Wait::Sleep(wait))
                }
            };
            let wait = async {
                match pause {
                    None => {}
                    Some(Wait::Rows) => self.source.wait_for_rows(self.settings.poll).await,
                    Some(Wait::Sleep(duration)) => tokio::time::sleep(duration).await,
                }
            };
            tokio::select! {
                () = &mut shutdown => {
                    tracing::info!(outbox, "outbox relay stopping");
                    return;
                }
                () = wait => {}
            }
        }
    }
}
