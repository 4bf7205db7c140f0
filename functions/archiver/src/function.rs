//! archiver's description: what `knative/`, `keda/` and `todo functions` are checked against.

use std::time::Duration;

use anyhow::Context;
use todo_events::Topic;
use todo_kit::function::{EventDelivery, Function, Http, Parts};
use todo_kit::settings::{Need, Setting, common};

use crate::{Archive, BatchSettings, archive_until_shutdown};

/// `ARCHIVE_STORE_URL`.
pub const ARCHIVE_STORE_URL: Setting = Setting {
    secret: true,
    ..Setting::required(
        "ARCHIVE_STORE_URL",
        "where the archive is kept: s3://bucket/prefix?endpoint=...&region=... or file:///path",
    )
};
/// `ARCHIVE_BATCH_EVENTS`.
pub const ARCHIVE_BATCH_EVENTS: Setting =
    Setting::optional("ARCHIVE_BATCH_EVENTS", "events per archived object, at most").default_value("10000");
/// `ARCHIVE_MAX_WAIT_MS`.
pub const ARCHIVE_MAX_WAIT_MS: Setting = Setting::optional(
    "ARCHIVE_MAX_WAIT_MS",
    "how long an event waits for its batch to fill before it is archived, in ms",
)
.default_value("5000");

/// The archiver reads the bus itself: it needs one.
const EVENT_BUS: Setting = Setting {
    need: Need::Required,
    ..common::EVENT_BUS
};

const OWN: &[Setting] = &[EVENT_BUS, ARCHIVE_STORE_URL, ARCHIVE_BATCH_EVENTS, ARCHIVE_MAX_WAIT_MS];

/// archiver as a deployable function.
pub const FUNCTION: Function = Function {
    name: "archiver",
    summary: "keeps every event of every topic once, as gzip JSON lines in the object store",
    http: Http::ClusterLocal,
    consumes: &Topic::ALL,
    delivery: EventDelivery::Batches,
    publishes: &[],
    settings: &[
        OWN,
        common::OBJECT_STORE,
        common::BUS,
        common::SERVER,
        common::TELEMETRY,
    ],
    periodic: &[],
};

/// The batch settings its settings say.
///
/// # Errors
/// A setting that is not a positive number.
pub fn batch_settings() -> anyhow::Result<BatchSettings> {
    let max_events: usize = ARCHIVE_BATCH_EVENTS.parse_required("a number of events")?;
    anyhow::ensure!(max_events > 0, "ARCHIVE_BATCH_EVENTS must be at least 1");
    Ok(BatchSettings {
        max_events,
        max_wait: Duration::from_millis(ARCHIVE_MAX_WAIT_MS.parse_required("a number of milliseconds")?),
        topic_prefix: common::TOPIC_PREFIX.value().unwrap_or_default(),
        ..BatchSettings::default()
    })
}

/// Opens the archive and the bus and starts archiving every topic as consumer group `archiver`.
///
/// # Errors
/// A bad setting, or an archive or bus that cannot be opened.
pub async fn start() -> anyhow::Result<Parts> {
    let settings = batch_settings()?;
    let store = todo_objects::connect(&ARCHIVE_STORE_URL.require()?)
        .await
        .context("Failed to open the archive's object store")?;
    let archive = Archive::new(store.clone());
    let bus = todo_kit::bus::from_env(&EVENT_BUS.require()?)?;
    let topics = FUNCTION.consumed_topics(&settings.topic_prefix);
    let readiness = todo_kit::health::ready_when(move || {
        let store = store.clone();
        async move { store.list("positions/").await.map(|_| ()).map_err(|e| e.to_string()) }
    });
    let task = tokio::spawn(async move {
        archive_until_shutdown(
            bus.as_ref(),
            &archive,
            &topics,
            &settings,
            todo_kit::serve::shutdown_signal(),
        )
        .await;
    });
    Ok(Parts {
        routes: todo_kit::health::router(readiness).merge(todo_kit::metrics::router()),
        tasks: vec![task],
        ..Parts::default()
    })
}
