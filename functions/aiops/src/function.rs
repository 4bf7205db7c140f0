//! aiops' description: what `knative/`, `keda/` and `todo functions` are checked against. One
//! unit of periodic work, `watch`, every minute.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use todo_aiops::forecast::Capacity;
use todo_events::EventType;
use todo_kit::Authenticator;
use todo_kit::auth::AuthSettings;
use todo_kit::function::{EventDelivery, Function, Http, Parts, Periodic, Work};
use todo_kit::settings::{Setting, common};

use crate::source::{LocalSource, MetricSource, PrometheusSource};
use crate::watch::WatchSettings;
use crate::{Aiops, Publisher, SERVICE};

/// `PROMETHEUS_URL`: where the watch reads the platform's metrics.
pub const PROMETHEUS_URL: Setting = Setting::optional(
    "PROMETHEUS_URL",
    "the Prometheus HTTP API the watch reads, e.g. http://prometheus.observability.svc.cluster.local:9090; unset, it reads this process's own metrics",
);
/// `AIOPS_WATCH_INTERVAL_SECONDS`: the step of every series and the period of the loop.
pub const AIOPS_WATCH_INTERVAL_SECONDS: Setting = Setting::optional(
    "AIOPS_WATCH_INTERVAL_SECONDS",
    "seconds between two points of a watched series (and two runs of the watch loop)",
)
.default_value("60");
/// `AIOPS_CAPACITY`: what one replica of each function serves, for the scaling advice.
pub const AIOPS_CAPACITY: Setting = Setting::optional(
    "AIOPS_CAPACITY",
    "requests per second one replica of each function serves, function=rps pairs; only these get scaling advice",
)
.default_value("task-api=200,chat-api=20");
/// `AIOPS_WEBHOOK_TOKEN`: the service bearer token.
pub const AIOPS_WEBHOOK_TOKEN: Setting = Setting::optional(
    "AIOPS_WEBHOOK_TOKEN",
    "the bearer token Alertmanager's webhook (and KEDA's metrics-api scaler) sends; unset, the webhook refuses every request",
)
.secret();
const OWN: &[Setting] = &[
    PROMETHEUS_URL,
    AIOPS_WATCH_INTERVAL_SECONDS,
    AIOPS_CAPACITY,
    AIOPS_WEBHOOK_TOKEN,
    common::BACKGROUND_WORK,
];

/// aiops as a deployable function.
pub const FUNCTION: Function = Function {
    name: "aiops",
    summary: "finds anomalies in the platform's metrics, correlates them and Alertmanager's alerts into incidents, advises KEDA on replicas",
    http: Http::Public(&["/api/aiops"]),
    consumes: &[],
    delivery: EventDelivery::Events,
    publishes: &[
        EventType::AnomalyDetected,
        EventType::IncidentOpened,
        EventType::IncidentResolved,
    ],
    settings: &[OWN, common::AUTH, common::BUS, common::SERVER, common::TELEMETRY],
    periodic: &[Periodic {
        name: "watch",
        schedule: "* * * * *",
        about: "fetch the new points of every watched series, score them, correlate the anomalies and publish what changed",
    }],
};

/// What aiops reads from its settings.
#[derive(Debug)]
pub struct Settings {
    /// `PROMETHEUS_URL`, if set.
    pub prometheus_url: Option<String>,
    /// The watch's step (from `AIOPS_WATCH_INTERVAL_SECONDS`), look-back and series cap.
    pub watch: WatchSettings,
    /// `AIOPS_CAPACITY`.
    pub capacities: BTreeMap<String, Capacity>,
    /// `AIOPS_WEBHOOK_TOKEN`, if set.
    pub webhook_token: Option<SecretString>,
}

impl Settings {
    /// The settings of the environment.
    ///
    /// # Errors
    /// An interval that is not a positive number of seconds, or a capacity list that does not parse.
    pub fn from_env() -> anyhow::Result<Self> {
        let seconds: u64 = AIOPS_WATCH_INTERVAL_SECONDS.parse_required("a positive number of seconds")?;
        anyhow::ensure!(
            seconds > 0,
            "AIOPS_WATCH_INTERVAL_SECONDS must be a positive number of seconds"
        );
        Ok(Self {
            prometheus_url: PROMETHEUS_URL.value(),
            watch: WatchSettings {
                step: Duration::from_secs(seconds),
                ..WatchSettings::default()
            },
            capacities: crate::scaling::parse_capacities(&AIOPS_CAPACITY.value().unwrap_or_default())?,
            webhook_token: AIOPS_WEBHOOK_TOKEN.secret_value(),
        })
    }

    /// The source the settings name: Prometheus at `PROMETHEUS_URL`, else this process's own
    /// registry, its memory reported as component `process`.
    ///
    /// # Errors
    /// A `PROMETHEUS_URL` that is not an http(s) URL.
    pub fn source(&self, process: &str) -> crate::Result<Arc<dyn MetricSource>> {
        Ok(match &self.prometheus_url {
            Some(url) => Arc::new(PrometheusSource::new(url)?),
            None => Arc::new(LocalSource::new(process)),
        })
    }
}

/// Reads the settings, opens the bus and builds the state; the watch runs when `POST /work/watch`
/// is triggered (a PingSource), and every interval in the loop of a long-running replica.
///
/// # Errors
/// A bad setting or a bus that cannot be opened.
pub async fn start() -> anyhow::Result<Parts> {
    let settings = Settings::from_env()?;
    let source = settings.source(SERVICE)?;
    let bus = todo_kit::bus::from_env(&common::EVENT_BUS.value().unwrap_or_else(|| "memory://".into()))?;
    let publisher = Publisher::new(bus, &common::TOPIC_PREFIX.value().unwrap_or_default());
    let auth = Arc::new(Authenticator::new(&AuthSettings::from_env())?);
    let aiops = Aiops::new(
        &settings,
        source,
        publisher,
        auth,
        Arc::new(todo_kit::clock::SystemClock),
    );
    if settings.webhook_token.is_none() {
        tracing::warn!("AIOPS_WEBHOOK_TOKEN is not set: the alert webhook refuses every request");
    }
    let step = settings.watch.step;
    let looping: Arc<dyn Work> = aiops.watch.clone();
    Ok(Parts {
        routes: crate::unlayered(aiops.state.clone()),
        work: vec![("watch", aiops.watch.clone())],
        loops: vec![Box::new(move |shutdown| {
            tokio::spawn(todo_kit::function::run_loop("watch", looping, step, shutdown))
        })],
        ..Parts::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_description_names_its_work_events_and_secret() {
        let json = FUNCTION.to_json();
        assert_eq!(json["periodic"][0]["path"], "/work/watch");
        assert_eq!(json["periodic"][0]["schedule"], "* * * * *");
        assert_eq!(
            json["publishes"],
            serde_json::json!(["anomaly.detected", "incident.opened", "incident.resolved"])
        );
        assert!(FUNCTION.setting("AIOPS_WEBHOOK_TOKEN").unwrap().secret);
        assert_eq!(
            FUNCTION.setting("AIOPS_WATCH_INTERVAL_SECONDS").unwrap().default,
            Some("60")
        );
        assert!(FUNCTION.setting("EVENT_BUS").is_some());
    }
}
