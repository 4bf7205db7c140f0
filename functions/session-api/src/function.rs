//! session-api's description: what `knative/`, `keda/` and `todo functions` are checked against.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use todo_events::EventType;
use todo_kit::Authenticator;
use todo_kit::auth::AuthSettings;
use todo_kit::function::{EventDelivery, Function, Http, Parts, Periodic};
use todo_kit::settings::{Setting, common};

use crate::{AppState, SessionSettings, SessionWorker, WorkerSettings};

/// `SESSION_STORE`: `memory://` or `redis://`/`rediss://` (with credentials, so a secret).
pub const SESSION_STORE: Setting = Setting::optional(
    "SESSION_STORE",
    "memory:// (one instance) or redis://host:6379 / rediss://user:password@host:port (TLS)",
)
.default_value("memory://")
.secret();
/// `SESSION_STORE_CA_PEM`: the certificate authority of a `rediss://` server, when it is not a
/// public one.
pub const SESSION_STORE_CA_PEM: Setting = Setting::optional(
    "SESSION_STORE_CA_PEM",
    "the certificate authority of the rediss:// server's certificate, as PEM text (default: public roots)",
);
/// `SESSION_KEY_PREFIX`.
pub const SESSION_KEY_PREFIX: Setting =
    Setting::optional("SESSION_KEY_PREFIX", "put before every Redis key").default_value("todo:");
/// `SESSION_TTL_SECONDS`.
pub const SESSION_TTL_SECONDS: Setting =
    Setting::optional("SESSION_TTL_SECONDS", "a session's idle time to live in seconds").default_value("1800");

const OWN: &[Setting] = &[
    SESSION_STORE,
    SESSION_STORE_CA_PEM,
    SESSION_KEY_PREFIX,
    SESSION_TTL_SECONDS,
    common::BACKGROUND_WORK,
];

/// session-api as a deployable function.
pub const FUNCTION: Function = Function {
    name: "session-api",
    summary: "chat sessions and their history, with session events through the store's own outbox",
    http: Http::Public(&["/api/sessions"]),
    consumes: &[],
    delivery: EventDelivery::Events,
    publishes: &[
        EventType::SessionCreated,
        EventType::SessionMessageReceived,
        EventType::SessionExpired,
        EventType::IntentRecognized,
        EventType::IntentFailed,
    ],
    settings: &[OWN, common::AUTH, common::BUS, common::SERVER, common::TELEMETRY],
    periodic: &[Periodic {
        name: "sessions",
        schedule: "* * * * *",
        about: "expire the sessions idle past their TTL and publish the queued session events",
    }],
};

/// Opens the session store and the bus; the worker publishes and expires in a loop, or when
/// `POST /work/sessions` is triggered.
///
/// # Errors
/// A bad setting, or a store or bus that cannot be opened.
pub async fn start() -> anyhow::Result<Parts> {
    let settings = SessionSettings {
        ttl: Duration::from_secs(SESSION_TTL_SECONDS.parse_required("a number of seconds")?),
        ..SessionSettings::default()
    };
    let store = crate::store::connect_from_settings(settings)
        .await
        .context("Failed to open the session store")?;
    let bus = todo_kit::bus::from_env(&common::EVENT_BUS.value().unwrap_or_else(|| "memory://".into()))?;
    let worker = Arc::new(SessionWorker::new(
        store.clone(),
        bus,
        WorkerSettings {
            topic_prefix: common::TOPIC_PREFIX.value().unwrap_or_default(),
            ..WorkerSettings::default()
        },
    ));
    let auth = Arc::new(Authenticator::new(&AuthSettings::from_env())?);
    let looping = worker.clone();
    Ok(Parts {
        routes: crate::unlayered(AppState { store, auth }),
        work: vec![("sessions", worker)],
        loops: vec![Box::new(move |shutdown| {
            tokio::spawn(async move { looping.run(shutdown).await })
        })],
        ..Parts::default()
    })
}
