//! outbox-relay's description: what `knative/`, `keda/` and `todo functions` are checked against.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use todo_kit::function::{EventDelivery, Function, Http, Parts, Periodic};
use todo_kit::settings::{Setting, common};

use crate::RelaySettings;

/// `RELAY_BATCH_SIZE`.
pub const RELAY_BATCH_SIZE: Setting =
    Setting::optional("RELAY_BATCH_SIZE", "outbox rows claimed per batch").default_value("300");
/// `RELAY_IN_FLIGHT`.
pub const RELAY_IN_FLIGHT: Setting =
    Setting::optional("RELAY_IN_FLIGHT", "batches on the way to the broker at once").default_value("4");
/// `RELAY_POLL_MS`.
pub const RELAY_POLL_MS: Setting = Setting::optional(
    "RELAY_POLL_MS",
    "longest pause between outbox checks when no notification arrives, in ms",
)
.default_value("1000");
/// `OUTBOX_RETENTION_HOURS`.
pub const OUTBOX_RETENTION_HOURS: Setting = Setting::optional(
    "OUTBOX_RETENTION_HOURS",
    "how long published outbox rows are kept, in hours",
)
.default_value("168");

/// The relay cannot work without a bus to publish to.
const EVENT_BUS: Setting = Setting {
    need: todo_kit::settings::Need::Required,
    ..common::EVENT_BUS
};

const OWN: &[Setting] = &[
    common::DATABASE_URL,
    EVENT_BUS,
    RELAY_BATCH_SIZE,
    RELAY_IN_FLIGHT,
    RELAY_POLL_MS,
    OUTBOX_RETENTION_HOURS,
    common::BACKGROUND_WORK,
];

/// outbox-relay as a deployable function. It also takes the events Knative could not deliver
/// (`POST /dead-letter`) and puts them on the `dead-letter` topic.
pub const FUNCTION: Function = Function {
    name: "outbox-relay",
    summary: "publishes every outbox row to the event bus, in order per key, at least once",
    http: Http::ClusterLocal,
    consumes: &[],
    delivery: EventDelivery::Events,
    publishes: &[],
    settings: &[OWN, common::BUS, common::SERVER, common::TELEMETRY],
    periodic: &[Periodic {
        name: "drain",
        schedule: "* * * * *",
        about: "publish every pending outbox row, then delete published rows past their retention",
    }],
};

/// Opens the outbox and the bus and creates the catalog's topics; the relay publishes in its loop
/// or when `POST /work/drain` is triggered, and takes Knative's dead letters at `/dead-letter`.
///
/// # Errors
/// A bad setting, an outbox or bus that cannot be opened, or topics that cannot be created.
pub async fn start() -> anyhow::Result<Parts> {
    let hours: u64 = OUTBOX_RETENTION_HOURS.parse_required("a number of hours")?;
    let settings = RelaySettings {
        batch_size: RELAY_BATCH_SIZE.parse_required("a number of rows")?,
        in_flight: RELAY_IN_FLIGHT.parse_required("a number of batches")?,
        poll: Duration::from_millis(RELAY_POLL_MS.parse_required("a number of milliseconds")?),
        retention: Duration::from_secs(hours * 3600),
        topic_prefix: common::TOPIC_PREFIX.value().unwrap_or_default(),
        ..RelaySettings::default()
    };
    let store = todo_tasks::store::connect(&common::DATABASE_URL.require()?)
        .await
        .context("Failed to open the outbox database")?;
    let bus = todo_kit::bus::from_env(&EVENT_BUS.require()?)?;
    let routes = crate::dead_letter_router(bus.clone(), &settings.topic_prefix);
    let relay = Arc::new(crate::task_relay(store, bus, settings));
    relay.ensure_topics().await.context("Failed to create the topics")?;
    let looping = relay.clone();
    Ok(Parts {
        routes: todo_kit::metrics::track_http(crate::SERVICE, routes).merge(relay.ops_router()),
        work: vec![("drain", relay)],
        loops: vec![Box::new(move |shutdown| {
            tokio::spawn(async move { looping.run(shutdown).await })
        })],
        ..Parts::default()
    })
}
