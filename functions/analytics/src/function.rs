//! analytics' description: what `knative/`, `keda/` and `todo functions` are checked against.

use std::sync::Arc;

use anyhow::Context;
use todo_events::Topic;
use todo_kit::Authenticator;
use todo_kit::auth::AuthSettings;
use todo_kit::function::{EventDelivery, Function, Http, Parts};
use todo_kit::settings::{Setting, common};

const OWN: &[Setting] = &[common::DATABASE_URL];

/// analytics as a deployable function.
pub const FUNCTION: Function = Function {
    name: "analytics",
    summary: "the CQRS read model of every event and its query API, and the audit trail",
    http: Http::Public(&["/api/analytics", "/api/audit"]),
    consumes: &[
        Topic::TaskEvents,
        Topic::SessionEvents,
        Topic::IntentEvents,
        Topic::NotificationEvents,
        Topic::AuditEvents,
    ],
    delivery: EventDelivery::Events,
    publishes: &[],
    settings: &[OWN, common::AUTH, common::BUS, common::SERVER, common::TELEMETRY],
    periodic: &[],
};

/// Opens the read model; its handler takes events by push, and with a Kafka `EVENT_BUS` also
/// as consumer group `analytics`.
///
/// # Errors
/// A bad setting or a database that cannot be opened.
pub async fn start() -> anyhow::Result<Parts> {
    let analytics = crate::connect(&common::DATABASE_URL.require()?)
        .await
        .context("Failed to open the analytics read model")?;
    let auth = Arc::new(Authenticator::new(&AuthSettings::from_env())?);
    Ok(Parts {
        routes: crate::unlayered(analytics.state(auth)),
        handler: Some(analytics.handler.clone()),
        ..Parts::default()
    })
}
