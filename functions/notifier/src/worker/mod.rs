//! The delivery worker: claims due deliveries, sends them concurrently and records each result
//! together with its `notification.*` event.
//!
//! [`DeliveryWorker::step`] is one round (claim, send all, record), which tests drive directly.
//! [`DeliveryWorker::run`] is the long-running loop: it keeps up to `max_in_flight` requests going
//! as independent tasks, so an endpoint that hangs holds one slot until its timeout and never
//! delays other subscribers; it claims more whenever it is woken (a handler queued something), a
//! slot frees up while all were taken, or `poll_interval` passed.
//!
//! Claims are leased (request timeout + 30 s), so two workers never send one delivery at the
//! same time; if a worker dies, its leases expire and another worker takes the deliveries over.
//! Results are recorded only while the lease holds. Delivery is at least once: a crash between the
//! request and the record sends again, with the same `webhook-id` so receivers can deduplicate.

mod backoff;
mod send;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures_util::future::join_all;
use tokio::sync::{Notify, Semaphore};
use tokio::task::JoinSet;

pub use send::{CLOUDEVENTS_JSON, USER_AGENT};

use crate::clock::Clock;
use crate::model::{AttemptResult, Claim};
use crate::settings::Settings;
use crate::store::NotifierStore;
use crate::{Error, Result, events};
use send::Answer;

/// What became of one claimed delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempted {
    /// The endpoint answered 2xx.
    Sent,
    /// It failed and is due again later.
    Retrying,
    /// It failed for good.
    Failed,
    /// The lease was lost (or the result could not be stored): another round will see it again.
    NotRecorded,
}

/// Sends queued deliveries.
#[derive(Debug)]
pub struct DeliveryWorker {
    store: Arc<dyn NotifierStore>,
    client: reqwest::Client,
    settings: Arc<Settings>,
    clock: Arc<dyn Clock>,
    wake: Arc<Notify>,
}

impl DeliveryWorker {
    /// A worker over `store`; `wake` is what the event handler notifies after queueing.
    ///
    /// # Errors
    /// `Config` when the HTTP client cannot be built.
    pub fn new(
        store: Arc<dyn NotifierStore>,
        settings: Arc<Settings>,
        clock: Arc<dyn Clock>,
        wake: Arc<Notify>,
    ) -> Result<Self> {
        let client = send::client(&settings).map_err(|e| Error::Config(format!("HTTP client: {e}")))?;
        Ok(Self {
            store,
            client,
            settings,
            clock,
            wake,
        })
    }

    /// The notification that wakes this worker.
    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    async fn claim(&self, limit: usize) -> Result<Vec<Claim>> {
        let now = self.clock.now();
        let lease = chrono::Duration::from_std(self.settings.lease()).unwrap_or(chrono::Duration::minutes(1));
        self.store.claim_due(now, now + lease, limit).await
    }

    /// One round: claims up to `max_in_flight` due deliveries, sends them all at once and records
    /// the results. Returns what became of each.
    ///
    /// # Errors
    /// When claiming fails.
    pub async fn step(&self) -> Result<Vec<Attempted>> {
        let claims = self.claim(self.settings.max_in_flight).await?;
        Ok(join_all(claims.into_iter().map(|claim| self.deliver(claim))).await)
    }

    /// Delivers until `shutdown` resolves, then waits for the requests in flight (each ends
    /// within the timeout) so their results are recorded.
    pub async fn run(self: Arc<Self>, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        let slots = Arc::new(Semaphore::new(self.settings.max_in_flight));
        let mut in_flight = JoinSet::new();
        loop {
            let free = slots.available_permits();
            if free > 0 {
                match self.claim(free).await {
                    Ok(claims) => {
                        for claim in claims {
                            let Ok(slot) = slots.clone().acquire_owned().await else {
                                break;
                            };
                            let worker = self.clone();
                            in_flight.spawn(async move {
                                worker.deliver(claim).await;
                                drop(slot);
                            });
                        }
                    }
                    Err(error) => tracing::error!(error.cause_chain = ?error, "claiming deliveries failed"),
                }
            }
            while in_flight.try_join_next().is_some() {}
            let full = slots.available_permits() == 0;
            tokio::select! {
                () = &mut shutdown => break,
                () = self.wake.notified() => {}
                Some(_) = in_flight.join_next(), if full => {}
                () = tokio::time::sleep(self.settings.poll_interval) => {}
            }
        }
        tracing::info!(in_flight = in_flight.len(), "delivery worker stopping");
        while in_flight.join_next().await.is_some() {}
    }

    /// Sends one claimed delivery and records the result.
    #[tracing::instrument(skip_all, fields(delivery_id = %claim.delivery_id, event_type = %claim.event_type))]
    pub(crate) async fn deliver(&self, claim: Claim) -> Attempted {
        let started = self.clock.now();
        let answer = if claim.active {
            Some(
                send::send(
                    &self.client,
                    &claim,
                    started.timestamp(),
                    self.settings.allow_private_targets,
                )
                .await,
            )
        } else {
            None
        };
        let now = self.clock.now();
        let (result, attempted) = self.judge(&claim, answer, started, now);
        let events = match &result {
            AttemptResult::Sent { .. } => vec![events::sent(&claim, now)],
            AttemptResult::Failed {
                error, attempted: made, ..
            } => {
                vec![events::failed(&claim, error, claim.attempts + i32::from(*made), now)]
            }
            AttemptResult::Retry { .. } => vec![],
        };
        match self.store.record_attempt(&claim, &result, &events, now).await {
            Ok(true) => {
                tracing::info!(?result, "delivery attempt recorded");
                attempted
            }
            Ok(false) => {
                tracing::warn!("lease lost before the result was recorded");
                Attempted::NotRecorded
            }
            Err(error) => {
                tracing::error!(error.cause_chain = ?error, "recording a delivery attempt failed");
                Attempted::NotRecorded
            }
        }
    }

    /// What an answer means for the delivery: sent, retry later, or give up.
    fn judge(
        &self,
        claim: &Claim,
        answer: Option<Answer>,
        started: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> (AttemptResult, Attempted) {
        let (status_code, error) = match answer {
            None => {
                let error = "the subscription was disabled before this delivery was sent".to_owned();
                let failed = AttemptResult::Failed {
                    status_code: None,
                    error,
                    attempted: false,
                    disable: None,
                };
                return (failed, Attempted::Failed);
            }
            Some(Answer::Status(code)) if (200..300).contains(&code) => {
                return (AttemptResult::Sent { status_code: code }, Attempted::Sent);
            }
            Some(Answer::Status(410)) => {
                let failed = AttemptResult::Failed {
                    status_code: Some(410),
                    error: "the endpoint answered 410 Gone".into(),
                    attempted: true,
                    disable: Some("the endpoint answered 410 Gone; create a new subscription to resume".into()),
                };
                return (failed, Attempted::Failed);
            }
            Some(Answer::Status(code)) => (Some(code), format!("the endpoint answered HTTP {code}")),
            Some(Answer::NoAnswer(reason)) => (None, reason),
        };
        let made = claim.attempts + 1;
        let pause = backoff::backoff(self.settings.backoff_base, self.settings.backoff_cap, made);
        let first = claim.first_attempt_at.unwrap_or(started);
        let horizon = chrono::Duration::from_std(self.settings.retry_horizon).unwrap_or(chrono::Duration::days(1));
        let next_attempt_at = now + chrono::Duration::from_std(pause).unwrap_or(chrono::Duration::zero());
        if next_attempt_at > first + horizon {
            let error = format!("{error}; gave up after {made} attempts (retry horizon passed)");
            let failed = AttemptResult::Failed {
                status_code,
                error,
                attempted: true,
                disable: None,
            };
            return (failed, Attempted::Failed);
        }
        let retry = AttemptResult::Retry {
            status_code,
            error,
            next_attempt_at,
        };
        (retry, Attempted::Retrying)
    }
}

/// How long one triggered run keeps delivering.
const TRIGGERED_BUDGET: std::time::Duration = std::time::Duration::from_secs(30);

/// The unit of work a trigger drives when no loop runs: rounds of [`DeliveryWorker::step`] until
/// nothing is due (or [`TRIGGERED_BUDGET`] has passed; the rest waits for the next trigger).
#[async_trait::async_trait]
impl todo_kit::function::Work for DeliveryWorker {
    async fn run_once(&self) -> std::result::Result<todo_kit::function::WorkReport, todo_kit::function::WorkError> {
        let attempted = todo_kit::function::rounds_until_idle(TRIGGERED_BUDGET, || async {
            self.step().await.map(|round| round.len())
        })
        .await
        .map_err(todo_kit::function::WorkError::from_error)?;
        Ok(todo_kit::function::WorkReport::count("attempted", attempted))
    }
}
