//! notifier's description: what `knative/`, `keda/` and `todo functions` are checked against.

use std::sync::Arc;

use anyhow::Context;
use todo_events::{EventType, Topic};
use todo_kit::Authenticator;
use todo_kit::auth::AuthSettings;
use todo_kit::function::{EventDelivery, Function, Http, Parts, Periodic};
use todo_kit::settings::{Setting, common};

const OWN: &[Setting] = &[common::DATABASE_URL, common::BACKGROUND_WORK];

/// notifier as a deployable function. It consumes every domain topic, since a subscription may
/// name any non-notification type; its own events are skipped.
pub const FUNCTION: Function = Function {
    name: "notifier",
    summary: "webhook subscriptions and signed, retried deliveries",
    http: Http::Public(&["/api/webhooks"]),
    consumes: &[
        Topic::TaskEvents,
        Topic::SessionEvents,
        Topic::IntentEvents,
        Topic::NotificationEvents,
    ],
    delivery: EventDelivery::Events,
    publishes: &[EventType::NotificationSent, EventType::NotificationFailed],
    settings: &[
        OWN,
        crate::settings::SETTINGS,
        common::AUTH,
        common::BUS,
        common::SERVER,
        common::TELEMETRY,
    ],
    periodic: &[Periodic {
        name: "deliveries",
        schedule: "* * * * *",
        about: "attempt the deliveries that are due, first tries and retries",
    }],
};

/// Opens the notifier's tables; deliveries run in the worker's loop, or when
/// `POST /work/deliveries` is triggered.
///
/// # Errors
/// A bad setting or a database that cannot be opened.
pub async fn start() -> anyhow::Result<Parts> {
    let settings = crate::Settings::from_env()?;
    let auth = Arc::new(Authenticator::new(&AuthSettings::from_env())?);
    let notifier = crate::connect(&common::DATABASE_URL.require()?, settings, auth)
        .await
        .context("Failed to open the notifier's database")?;
    let worker = notifier.worker.clone();
    Ok(Parts {
        routes: crate::unlayered(notifier.state.clone()),
        handler: Some(notifier.handler.clone()),
        work: vec![("deliveries", notifier.worker.clone())],
        loops: vec![Box::new(move |shutdown| tokio::spawn(worker.run(shutdown)))],
        ..Parts::default()
    })
}
