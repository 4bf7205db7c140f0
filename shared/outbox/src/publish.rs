//! One step's work: claim batches, keep up to `in_flight` of them on the way to the broker, and
//! acknowledge each (in the outbox) only after the bus acknowledged every one of its events. A
//! failure anywhere before that means the batch is published again: delivery is at least once.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tokio::task::JoinSet;

use todo_kit::bus::{Acknowledgements, Outgoing};

use crate::source::{Receipt, SourceError, SourceLeader};
use crate::telemetry::{outgoing, publish_span, record_failure, record_published};
use crate::{Relay, RelayError, Step};

/// How long one step keeps claiming new batches, so that a relay facing a long backlog still
/// samples its gauges, prunes and sees shutdown between steps.
const STEP_SLICE: Duration = Duration::from_secs(1);

/// The acknowledgements in the outbox under way.
type Marking = JoinSet<Result<(), SourceError>>;

/// A batch on its way to the broker: its receipt, its events, and the broker's answer to come.
struct InFlight {
    receipt: Box<dyn Receipt>,
    /// When each event was written, for the publish lag.
    written: Vec<Option<DateTime<Utc>>>,
    batch: Vec<Outgoing>,
    acknowledgements: Acknowledgements,
    /// The events' producer spans, open until the broker answered.
    _spans: Vec<tracing::Span>,
}

/// What the next claim gave.
enum Next {
    /// A batch, now on the way.
    Sent(InFlight),
    /// Nothing else waits.
    Drained,
    /// Another relay holds the outbox now.
    Busy,
}

impl Relay {
    /// Publishes the backlog for up to [`STEP_SLICE`] of claiming, then waits for what is on the way.
    pub(crate) async fn publish_backlog(&self, leader: &dyn SourceLeader) -> Result<Step, RelayError> {
        let depth = self.settings.in_flight.max(1);
        let stop_claiming = Instant::now() + STEP_SLICE;
        let mut in_flight: VecDeque<InFlight> = VecDeque::with_capacity(depth);
        // Acknowledgements run beside the next claims; a batch's events stay held until its
        // acknowledgement is done.
        let mut marking = Marking::new();
        let (mut published, mut drained, mut busy) = (0, false, false);
        loop {
            while !drained && in_flight.len() < depth && Instant::now() < stop_claiming {
                match self.send_next(leader).await {
                    Ok(Next::Sent(batch)) => {
                        // A short batch is the end of the backlog: the next claim would most
                        // likely find a few events at best, so wait for this one instead.
                        drained = batch.batch.len() < self.settings.batch();
                        in_flight.push_back(batch);
                    }
                    Ok(Next::Drained) => drained = true,
                    Ok(Next::Busy) => (drained, busy) = (true, true),
                    Err(error) => return Err(self.settle(in_flight, marking, error).await),
                }
            }
            let Some(mut oldest) = in_flight.pop_front() else {
                break;
            };
            if let Err(error) = (&mut oldest.acknowledgements).await {
                record_failure(self.service(), &oldest.batch);
                drop(oldest.receipt);
                return Err(self.settle(in_flight, marking, error.into()).await);
            }
            while marking.len() >= depth {
                if let Err(error) = marked(marking.join_next().await) {
                    // The broker took it; left unacknowledged, it is published again.
                    record_published(self.service(), &oldest.written, &oldest.batch, Utc::now());
                    return Err(self.settle(in_flight, marking, error).await);
                }
            }
            published += oldest.batch.len();
            self.mark(oldest, &mut marking);
        }
        while let Some(done) = marking.join_next().await {
            marked(Some(done))?;
        }
        Ok(match published {
            0 if busy => Step::Busy,
            0 => Step::Idle,
            count => Step::Published(count),
        })
    }

    /// Claims the next batch and queues it on the bus.
    async fn send_next(&self, leader: &dyn SourceLeader) -> Result<Next, RelayError> {
        let Some(claim) = leader.claim(self.settings.batch()).await? else {
            return Ok(Next::Busy);
        };
        if claim.events.is_empty() {
            return Ok(Next::Drained);
        }
        let (written, batch): (Vec<_>, Vec<_>) = claim
            .events
            .into_iter()
            .map(|event| outgoing(event, &self.settings.topic_prefix, self.service()))
            .unzip();
        // One producer span per event, below the span that wrote it, open until the broker acked;
        // none at all when nothing traces (this is the relay's hot path).
        let spans: Vec<tracing::Span> = if todo_kit::telemetry::tracing_on() {
            batch.iter().map(publish_span).collect()
        } else {
            Vec::new()
        };
        match self.bus.send(&batch) {
            Ok(acknowledgements) => Ok(Next::Sent(InFlight {
                receipt: claim.receipt,
                written,
                batch,
                acknowledgements,
                _spans: spans,
            })),
            Err(error) => {
                record_failure(self.service(), &batch);
                Err(error.into())
            }
        }
    }

    /// Records an acknowledged batch and starts acknowledging it in the outbox.
    fn mark(&self, batch: InFlight, marking: &mut Marking) {
        let acknowledged = Utc::now();
        record_published(self.service(), &batch.written, &batch.batch, acknowledged);
        marking.spawn(batch.receipt.acknowledge(acknowledged));
    }

    /// After a failure: waits for the acknowledgements under way and the batches still on the
    /// way (none may travel when they are sent again, or a retry could overtake them), and
    /// acknowledges those the broker took, so that only the failed ones are published again.
    /// Returns the failure.
    async fn settle(&self, in_flight: VecDeque<InFlight>, mut marking: Marking, error: RelayError) -> RelayError {
        for mut batch in in_flight {
            match (&mut batch.acknowledgements).await {
                Ok(()) => self.mark(batch, &mut marking),
                Err(_) => record_failure(self.service(), &batch.batch),
            }
        }
        while let Some(done) = marking.join_next().await {
            if let Err(error) = marked(Some(done)) {
                tracing::warn!(outbox = self.service(), %error, "cannot mark an acknowledged batch; it will be published again");
            }
        }
        error
    }
}

/// The result of one finished acknowledgement.
fn marked(done: Option<Result<Result<(), SourceError>, tokio::task::JoinError>>) -> Result<(), RelayError> {
    match done {
        None | Some(Ok(Ok(()))) => Ok(()),
        Some(Ok(Err(error))) => Err(error.into()),
        Some(Err(join)) => Err(RelayError::Mark(join)),
    }
}
