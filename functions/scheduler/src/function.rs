//! scheduler's description: what `knative/`, `keda/` and `todo functions` are checked against.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use todo_events::{EventType, Topic};
use todo_kit::function::{EventDelivery, Function, Http, Parts, Periodic};
use todo_kit::handler::EventHandler;
use todo_kit::settings::{Setting, common};

use crate::{AnnounceWork, Announcer, NextOccurrence, system_clock};

/// `SCHEDULER_TICK_SECONDS`: the loop's period when `BACKGROUND_WORK=loop`.
pub const SCHEDULER_TICK_SECONDS: Setting = Setting::optional(
    "SCHEDULER_TICK_SECONDS",
    "seconds between announcements when the loop runs (BACKGROUND_WORK=loop)",
)
.default_value("15");

const OWN: &[Setting] = &[common::DATABASE_URL, SCHEDULER_TICK_SECONDS, common::BACKGROUND_WORK];

/// scheduler as a deployable function.
pub const FUNCTION: Function = Function {
    name: "scheduler",
    summary: "announces due dates and reminders, and creates the next occurrence of recurring tasks",
    http: Http::ClusterLocal,
    consumes: &[Topic::TaskEvents],
    delivery: EventDelivery::Events,
    publishes: &[
        EventType::TaskDueSoon,
        EventType::TaskOverdue,
        EventType::TaskReminder,
        EventType::TaskCreated,
    ],
    settings: &[OWN, common::BUS, common::SERVER, common::TELEMETRY],
    periodic: &[Periodic {
        name: "announce",
        schedule: "* * * * *",
        about: "announce the due dates and reminders that came due (each once)",
    }],
};

/// Opens the task database; announcements run on a tick, or when `POST /work/announce` (or the
/// older `POST /ping`) is triggered; completed recurring tasks arrive as events.
///
/// # Errors
/// A bad setting or a database that cannot be opened.
pub async fn start() -> anyhow::Result<Parts> {
    let store = todo_tasks::store::connect(&common::DATABASE_URL.require()?)
        .await
        .context("Failed to open the task database")?;
    let tick: u64 = SCHEDULER_TICK_SECONDS.parse_required("a positive number of seconds")?;
    anyhow::ensure!(tick > 0, "SCHEDULER_TICK_SECONDS must be a positive number of seconds");
    let clock = system_clock();
    let work = AnnounceWork {
        announcer: Arc::new(Announcer::new(store.clone())),
        clock: clock.clone(),
    };
    let handler: Arc<dyn EventHandler> = Arc::new(NextOccurrence::new(store.clone(), clock));
    let looping = work.clone();
    Ok(Parts {
        routes: crate::routes::unlayered(store, work.announcer.clone(), work.clock.clone()),
        handler: Some(handler),
        work: vec![("announce", Arc::new(work))],
        loops: vec![Box::new(move |shutdown| {
            tokio::spawn(async move {
                looping
                    .announcer
                    .run(looping.clock, Duration::from_secs(tick), shutdown)
                    .await;
            })
        })],
        ..Parts::default()
    })
}
