//! aiops' description: what `knative/`, `keda/` and `todo functions` are checked against. One
//! unit of periodic work, `watch`, every minute; it also drives remediation.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use secrecy::SecretString;
use todo_aiops::forecast::Capacity;
use todo_aiops::remediation::{Mode, Playbook};
use todo_events::EventType;
use todo_kit::Authenticator;
use todo_kit::auth::AuthSettings;
use todo_kit::function::{EventDelivery, Function, Http, Parts, Periodic, Work};
use todo_kit::settings::{Setting, common};

use crate::logs::{LogSource, LokiSource, TapSource};
use crate::remediate::kube::KubeExecutor;
use crate::remediate::{Executor, LocalExecutor};
use crate::source::{LocalSource, MetricSource, PrometheusSource};
use crate::watch::WatchSettings;
use crate::{Aiops, Publisher, SERVICE};

/// `PROMETHEUS_URL`: where the watch reads the platform's metrics.
pub const PROMETHEUS_URL: Setting = Setting::optional(
    "PROMETHEUS_URL",
    "the Prometheus HTTP API the watch reads, e.g. http://prometheus.observability.svc.cluster.local:9090; unset, it reads this process's own metrics",
);
/// `LOKI_URL`: where the log watch reads the platform's warnings and errors.
pub const LOKI_URL: Setting = Setting::optional(
    "LOKI_URL",
    "the Loki HTTP API the log watch reads, e.g. http://loki.observability.svc.cluster.local:3100; unset, only this process's own lines when it keeps them (todo serve), else no log watch",
);
/// `AIOPS_LOG_QUERY`: the LogQL selecting the lines the log watch counts.
pub const AIOPS_LOG_QUERY: Setting = Setting::optional(
    "AIOPS_LOG_QUERY",
    "the LogQL log query of the lines the log watch counts (warnings and errors)",
)
.default_value(crate::logs::DEFAULT_QUERY);
/// `AIOPS_WATCH_INTERVAL_SECONDS`: the step of every series and the period of the loop.
pub const AIOPS_WATCH_INTERVAL_SECONDS: Setting = Setting::optional(
    "AIOPS_WATCH_INTERVAL_SECONDS",
    "seconds between two points of a watched series (and two runs of the watch loop); fractions such as 0.2 for tests",
)
.default_value("60");
/// `AIOPS_REMEDIATION`: whether the remediation engine may act.
pub const AIOPS_REMEDIATION: Setting = Setting::optional(
    "AIOPS_REMEDIATION",
    "dry-run (record what would have been done) or auto (act; destructive actions still wait for approval)",
)
.default_value("dry-run");
/// `AIOPS_PLAYBOOKS`: the remediation playbooks, replacing the platform's.
pub const AIOPS_PLAYBOOKS: Setting = Setting::optional(
    "AIOPS_PLAYBOOKS",
    "the remediation playbooks as a JSON array (name, trigger, action); unset, the platform's own",
);
/// The shortest watch interval: a step is also the resolution of a series' times.
const MIN_INTERVAL_SECONDS: f64 = 0.05;
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
/// `AIOPS_PLATFORM`: which manifests run the functions, for the Kubernetes remediation executor.
pub const AIOPS_PLATFORM: Setting = Setting::optional(
    "AIOPS_PLATFORM",
    "how the functions are deployed, knative or keda: remediation patches their Knative Services and KafkaSources, or their Deployments and ScaledObjects; unset, it acts on this process's own components",
);
/// `POD_NAMESPACE`: where the objects remediation patches are.
pub const POD_NAMESPACE: Setting = Setting::optional(
    "POD_NAMESPACE",
    "the namespace of the objects remediation patches; unset, the pod's ServiceAccount's, else todo",
);
const OWN: &[Setting] = &[
    PROMETHEUS_URL,
    LOKI_URL,
    AIOPS_LOG_QUERY,
    AIOPS_WATCH_INTERVAL_SECONDS,
    AIOPS_CAPACITY,
    AIOPS_WEBHOOK_TOKEN,
    AIOPS_REMEDIATION,
    AIOPS_PLAYBOOKS,
    AIOPS_PLATFORM,
    POD_NAMESPACE,
    common::BACKGROUND_WORK,
];

/// aiops as a deployable function.
pub const FUNCTION: Function = Function {
    name: "aiops",
    summary: "finds anomalies in the platform's metrics, correlates them and Alertmanager's alerts into incidents, remediates them within guardrails, advises KEDA on replicas",
    http: Http::Public(&["/api/aiops"]),
    consumes: &[],
    delivery: EventDelivery::Events,
    publishes: &[
        EventType::AnomalyDetected,
        EventType::IncidentOpened,
        EventType::IncidentResolved,
        EventType::RemediationProposed,
        EventType::RemediationDryRun,
        EventType::RemediationAwaitingApproval,
        EventType::RemediationApproved,
        EventType::RemediationRejected,
        EventType::RemediationBlocked,
        EventType::RemediationExecuting,
        EventType::RemediationExecuted,
        EventType::RemediationFailed,
        EventType::RemediationVerified,
        EventType::RemediationRolledBack,
    ],
    settings: &[OWN, common::AUTH, common::BUS, common::SERVER, common::TELEMETRY],
    periodic: &[Periodic {
        name: "watch",
        schedule: "* * * * *",
        about: "fetch the new points of every watched series, score them, correlate the anomalies, remediate the open incidents and publish what changed",
    }],
};

/// What aiops reads from its settings.
#[derive(Debug)]
pub struct Settings {
    /// `PROMETHEUS_URL`, if set.
    pub prometheus_url: Option<String>,
    /// `LOKI_URL`, if set.
    pub loki_url: Option<String>,
    /// `AIOPS_LOG_QUERY`.
    pub log_query: String,
    /// The watch's step (from `AIOPS_WATCH_INTERVAL_SECONDS`), look-back and series cap.
    pub watch: WatchSettings,
    /// `AIOPS_CAPACITY`.
    pub capacities: BTreeMap<String, Capacity>,
    /// `AIOPS_WEBHOOK_TOKEN`, if set.
    pub webhook_token: Option<SecretString>,
    /// `AIOPS_REMEDIATION`.
    pub remediation: Mode,
    /// `AIOPS_PLAYBOOKS`, else the platform's.
    pub playbooks: Vec<Playbook>,
}

impl Settings {
    /// The settings of the environment.
    ///
    /// # Errors
    /// An interval that is not a number of seconds of at least 0.05, a capacity list that does not
    /// parse, a remediation mode other than `dry-run` or `auto`, or playbooks that do not parse.
    pub fn from_env() -> anyhow::Result<Self> {
        let seconds: f64 = AIOPS_WATCH_INTERVAL_SECONDS.parse_required("a number of seconds, e.g. 60 or 0.2")?;
        anyhow::ensure!(
            seconds.is_finite() && seconds >= MIN_INTERVAL_SECONDS,
            "AIOPS_WATCH_INTERVAL_SECONDS must be at least {MIN_INTERVAL_SECONDS} seconds, got {seconds}"
        );
        let remediation = parse_mode(&AIOPS_REMEDIATION.value().unwrap_or_default())?;
        let playbooks = match AIOPS_PLAYBOOKS.value() {
            Some(json) => Playbook::parse_list(&json).context("AIOPS_PLAYBOOKS is not a usable list of playbooks")?,
            None => Playbook::platform(),
        };
        Ok(Self {
            prometheus_url: PROMETHEUS_URL.value(),
            loki_url: LOKI_URL.value(),
            log_query: AIOPS_LOG_QUERY
                .value()
                .unwrap_or_else(|| crate::logs::DEFAULT_QUERY.to_owned()),
            watch: WatchSettings {
                step: Duration::from_secs_f64(seconds),
                ..WatchSettings::default()
            },
            capacities: crate::scaling::parse_capacities(&AIOPS_CAPACITY.value().unwrap_or_default())?,
            webhook_token: AIOPS_WEBHOOK_TOKEN.secret_value(),
            remediation,
            playbooks,
        })
    }

    /// The sources the settings name: Prometheus at `PROMETHEUS_URL`, else this process's own
    /// registry (its memory reported as component `process`); Loki at `LOKI_URL`, else this
    /// process's log tap if it keeps one (`todo_kit::telemetry::tap`), else no log watch.
    ///
    /// # Errors
    /// A `PROMETHEUS_URL` or `LOKI_URL` that is not an http(s) URL.
    pub fn sources(&self, process: &str) -> crate::Result<Sources> {
        let metrics: Arc<dyn MetricSource> = match &self.prometheus_url {
            Some(url) => Arc::new(PrometheusSource::new(url)?),
            None => Arc::new(LocalSource::new(process)),
        };
        let logs: Option<Arc<dyn LogSource>> = match &self.loki_url {
            Some(url) => Some(Arc::new(LokiSource::new(url, &self.log_query)?)),
            None => todo_kit::telemetry::tap::get().map(|tap| Arc::new(TapSource::new(tap)) as Arc<dyn LogSource>),
        };
        Ok(Sources { metrics, logs })
    }
}

/// What the watch reads.
#[derive(Debug, Clone)]
pub struct Sources {
    /// The key figures of every component.
    pub metrics: Arc<dyn MetricSource>,
    /// Warning and error lines, if there is a source of them.
    pub logs: Option<Arc<dyn LogSource>>,
}

impl Sources {
    /// Metrics from `metrics`, no log watch.
    pub fn metrics_only(metrics: Arc<dyn MetricSource>) -> Self {
        Self { metrics, logs: None }
    }
}

/// The mode `AIOPS_REMEDIATION` names: `dry-run` or `auto`.
///
/// # Errors
/// Any other value.
pub fn parse_mode(text: &str) -> anyhow::Result<Mode> {
    match text.trim() {
        "" | "dry-run" | "dry_run" => Ok(Mode::DryRun),
        "auto" => Ok(Mode::Auto),
        other => anyhow::bail!("AIOPS_REMEDIATION must be dry-run or auto, got '{other}'"),
    }
}

/// Reads the settings, opens the bus and builds the state; the watch runs when `POST /work/watch`
/// is triggered (a PingSource), and every interval in the loop of a long-running replica.
///
/// # Errors
/// A bad setting or a bus that cannot be opened.
pub async fn start() -> anyhow::Result<Parts> {
    let settings = Settings::from_env()?;
    let sources = settings.sources(SERVICE)?;
    let bus = todo_kit::bus::from_env(&common::EVENT_BUS.value().unwrap_or_else(|| "memory://".into()))?;
    let publisher = Publisher::new(bus, &common::TOPIC_PREFIX.value().unwrap_or_default());
    let auth = Arc::new(Authenticator::new(&AuthSettings::from_env())?);
    // The Kubernetes API when `AIOPS_PLATFORM` names the variant; without it (or without cluster
    // credentials) an executor with nothing to act on: every action fails, saying so, audited.
    let executor: Arc<dyn Executor> = match KubeExecutor::from_env().await {
        Ok(Some(kube)) => Arc::new(kube),
        Ok(None) => Arc::new(LocalExecutor::default()),
        Err(error) => {
            tracing::warn!(error.cause_chain = ?error, "no Kubernetes API: remediation actions will fail");
            Arc::new(LocalExecutor::default())
        }
    };
    let aiops = Aiops::new(
        &settings,
        sources,
        publisher,
        auth,
        Arc::new(todo_kit::clock::SystemClock),
        executor,
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
        assert_eq!(json["publishes"][0], "anomaly.detected");
        assert_eq!(json["publishes"][3], "remediation.proposed");
        assert_eq!(json["publishes"].as_array().map(Vec::len), Some(14));
        assert!(FUNCTION.setting("AIOPS_WEBHOOK_TOKEN").unwrap().secret);
        assert_eq!(
            FUNCTION.setting("AIOPS_WATCH_INTERVAL_SECONDS").unwrap().default,
            Some("60")
        );
        assert!(FUNCTION.setting("EVENT_BUS").is_some());
        assert_eq!(FUNCTION.setting("AIOPS_REMEDIATION").unwrap().default, Some("dry-run"));
        assert!(FUNCTION.setting("AIOPS_PLAYBOOKS").is_some());
    }

    #[test]
    fn remediation_is_a_dry_run_unless_set_to_auto() {
        assert_eq!(parse_mode("dry-run").unwrap(), Mode::DryRun);
        assert_eq!(parse_mode("").unwrap(), Mode::DryRun);
        assert_eq!(parse_mode("auto").unwrap(), Mode::Auto);
        let wrong = parse_mode("yolo").unwrap_err().to_string();
        assert!(wrong.contains("dry-run or auto"), "{wrong}");
    }
}
