//! `spawn`: aiops over a scripted metric source, the in-memory bus and a manual clock, with
//! request helpers and a reader of what it published. Set `TEST_LOG=1` to see logs.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use aiops::source::{MetricSource, Point, Samples, Series, Window};
use aiops::{Aiops, Executor, Publisher, Settings, Sources, WatchSettings};
use async_trait::async_trait;
use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::{DateTime, TimeZone, Utc};
use http_body_util::BodyExt;
use secrecy::SecretString;
use serde_json::Value;
use todo_aiops::remediation::{Action, Mode, Outcome, Playbook};
use todo_events::DomainEvent;
use todo_kit::Authenticator;
use todo_kit::auth::{AuthSettings, mint_hs256};
use todo_kit::bus::{EventBus, MemoryBus};
use todo_kit::clock::ManualClock;
use tower::ServiceExt;

/// The HS256 secret the test apps accept.
const SECRET: &str = "aiops-test-secret-of-at-least-32-bytes!";
/// The service token Alertmanager and KEDA are given.
pub(crate) const WEBHOOK_TOKEN: &str = "alertmanager-and-keda-share-this-token";
/// The watch step.
pub(crate) const STEP: i64 = 60;

static TRACING: LazyLock<()> = LazyLock::new(|| {
    if std::env::var_os("TEST_LOG").is_some() {
        todo_kit::telemetry::init("aiops-tests");
    }
});

/// The clock's starting time, on a whole minute.
pub(crate) fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 14, 12, 0, 0)
        .single()
        .expect("a valid time")
}

/// A source that answers what the test scripted: points per (series, component), within the
/// window asked for.
#[derive(Debug, Default)]
pub(crate) struct ScriptedSource {
    points: Mutex<BTreeMap<(Series, String), Vec<Point>>>,
}

impl ScriptedSource {
    /// Adds points of `component`'s `series`.
    pub(crate) fn add(&self, series: Series, component: &str, points: impl IntoIterator<Item = Point>) {
        let mut scripted = self.points.lock().expect("script");
        scripted
            .entry((series, component.to_owned()))
            .or_default()
            .extend(points);
    }
}

#[async_trait]
impl MetricSource for ScriptedSource {
    async fn fetch(&self, series: Series, window: Window) -> aiops::Result<Samples> {
        let (start, end) = (window.start.timestamp_millis(), window.end.timestamp_millis());
        let scripted = self.points.lock().expect("script");
        Ok(scripted
            .iter()
            .filter(|((s, _), _)| *s == series)
            .map(|((_, component), points)| {
                let inside = points
                    .iter()
                    .filter(|p| p.at_ms >= start && p.at_ms <= end)
                    .copied()
                    .collect();
                (component.clone(), inside)
            })
            .filter(|(_, points): &(String, Vec<Point>)| !points.is_empty())
            .collect())
    }
}

/// `count` points of a steady series around `level` (a deterministic wobble of +-5 %), one per
/// step, the last at `last`.
pub(crate) fn steady(level: f64, count: i64, last: DateTime<Utc>) -> Vec<Point> {
    let last = last.timestamp();
    (0..count)
        .map(|i| {
            let at = last - (count - 1 - i) * STEP;
            let wobble = ((i * 7919) % 21 - 10) as f64 / 200.0;
            Point {
                at_ms: at * 1000,
                value: level * (1.0 + wobble),
            }
        })
        .collect()
}

/// An executor that records every action it is handed and reports success.
#[derive(Debug, Default)]
pub(crate) struct RecordingExecutor {
    executed: Mutex<Vec<Action>>,
}

impl RecordingExecutor {
    /// The actions handed to it, in order.
    pub(crate) fn executed(&self) -> Vec<Action> {
        self.executed.lock().expect("executed").clone()
    }
}

#[async_trait]
impl Executor for RecordingExecutor {
    fn target(&self) -> String {
        "the test".to_owned()
    }

    async fn execute(&self, action: &Action) -> Outcome {
        self.executed.lock().expect("executed").push(action.clone());
        Outcome::ok(format!("did: {action}"))
    }
}

/// aiops under test.
pub(crate) struct TestAiops {
    pub(crate) aiops: Aiops,
    pub(crate) router: Router,
    pub(crate) clock: Arc<ManualClock>,
    pub(crate) bus: Arc<MemoryBus>,
    /// What remediation executed.
    pub(crate) executor: Arc<RecordingExecutor>,
}

/// aiops on `source` with task-api's capacity at 200 rps per replica, remediating in dry-run mode
/// (the default).
pub(crate) fn spawn_on(source: Arc<dyn MetricSource>) -> TestAiops {
    spawn_remediating(source, Mode::DryRun)
}

/// aiops on `source`, remediating in `mode` with the platform's playbooks.
pub(crate) fn spawn_remediating(source: Arc<dyn MetricSource>, mode: Mode) -> TestAiops {
    spawn_with(Sources::metrics_only(source), mode)
}

/// aiops on `sources`, remediating in `mode` with the platform's playbooks.
pub(crate) fn spawn_with(sources: Sources, mode: Mode) -> TestAiops {
    LazyLock::force(&TRACING);
    let auth = AuthSettings {
        jwt_secret: Some(SecretString::from(SECRET)),
        ..AuthSettings::default()
    };
    let auth = Arc::new(Authenticator::new(&auth).expect("valid auth settings"));
    let settings = Settings {
        prometheus_url: None,
        loki_url: None,
        log_query: aiops::logs::DEFAULT_QUERY.into(),
        watch: WatchSettings {
            step: Duration::from_secs(STEP as u64),
            ..WatchSettings::default()
        },
        capacities: aiops::parse_capacities("task-api=200,chat-api=20").expect("capacities"),
        webhook_token: Some(SecretString::from(WEBHOOK_TOKEN)),
        remediation: mode,
        playbooks: Playbook::platform(),
    };
    let clock = Arc::new(ManualClock::new(start()));
    let bus = Arc::new(MemoryBus::new());
    let shared: Arc<dyn EventBus> = bus.clone();
    let executor = Arc::new(RecordingExecutor::default());
    let aiops = Aiops::new(
        &settings,
        sources,
        Publisher::new(shared, ""),
        auth,
        clock.clone(),
        executor.clone(),
    );
    TestAiops {
        router: aiops::app(aiops.state.clone()),
        aiops,
        clock,
        bus,
        executor,
    }
}

/// aiops on a scripted source, and the source.
pub(crate) fn spawn() -> (TestAiops, Arc<ScriptedSource>) {
    let source = Arc::new(ScriptedSource::default());
    (spawn_on(source.clone()), source)
}

/// A user's bearer token.
pub(crate) fn user_token() -> String {
    mint_hs256(SECRET.as_bytes(), "operator", Duration::from_secs(600)).expect("token")
}

impl TestAiops {
    /// One request; the status and the JSON body (`Null` when empty).
    pub(crate) async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        let mut builder = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = match body {
            Some(body) => builder
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string())),
            None => builder.body(Body::empty()),
        }
        .expect("request");
        let response = self.router.clone().oneshot(request).await.expect("response");
        let status = response.status();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        let json = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        (status, json)
    }

    /// `GET path` as a user.
    pub(crate) async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.request(Method::GET, path, Some(&user_token()), None).await
    }

    /// `POST path` without a body, with `token`.
    pub(crate) async fn post(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.request(Method::POST, path, Some(token), None).await
    }

    /// Posts an Alertmanager notification with the webhook token.
    pub(crate) async fn alert(&self, payload: &Value) -> (StatusCode, Value) {
        self.request(Method::POST, "/api/aiops/alerts", Some(WEBHOOK_TOKEN), Some(payload))
            .await
    }

    /// Runs the watch at `at`; its report.
    pub(crate) async fn watch_at(&self, at: DateTime<Utc>) -> Value {
        self.clock.set(at);
        let report = self.aiops.watch.run().await.expect("the watch runs");
        Value::Object(report.0)
    }

    /// Every event published to `ops-events` so far.
    pub(crate) async fn published(&self) -> Vec<DomainEvent> {
        // The topic exists once something was published; before, nothing was.
        self.bus.ensure_topic("ops-events", 1).await.expect("topic");
        let mut subscription = self
            .bus
            .subscribe(&format!("reader-{}", uuid_like()), &["ops-events".to_owned()])
            .await
            .expect("subscribe");
        let mut events = Vec::new();
        while let Ok(Ok(delivery)) = tokio::time::timeout(Duration::from_millis(200), subscription.next()).await {
            let event = delivery.event.expect("a CloudEvent");
            events.push(DomainEvent::from_cloudevent(&event).expect("a catalog event"));
        }
        events
    }
}

/// A name no other reader in this process has.
fn uuid_like() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The realistic Alertmanager notification in `tests/data`, with every alert's status set.
pub(crate) fn alertmanager(status: &str) -> Value {
    let mut payload: Value =
        serde_json::from_str(include_str!("../data/alertmanager_postgres_down.json")).expect("fixture");
    payload["status"] = Value::from(status);
    for alert in payload["alerts"].as_array_mut().expect("alerts") {
        alert["status"] = Value::from(status);
        if status == "resolved" {
            alert["endsAt"] = Value::from("2026-03-14T12:20:00Z");
        }
    }
    payload
}
