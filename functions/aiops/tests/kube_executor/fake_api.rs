//! `spawn`: an executor of one variant on a fake Kubernetes API holding the objects of both
//! variants; the API records each request and applies merge patches as the API server does.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aiops::remediate::kube::{KubeExecutor, Platform, client};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use chrono::{TimeZone, Utc};
use serde_json::{Value, json};
use todo_aiops::remediation::Action;
use todo_kit::clock::ManualClock;

pub(crate) const KSVC: &str = "/apis/serving.knative.dev/v1/namespaces/todo/services";
pub(crate) const KAFKASOURCE: &str = "/apis/sources.knative.dev/v1/namespaces/todo/kafkasources";
pub(crate) const DEPLOYMENT: &str = "/apis/apps/v1/namespaces/todo/deployments";
pub(crate) const SCALEDOBJECT: &str = "/apis/keda.sh/v1alpha1/namespaces/todo/scaledobjects";
const DOMAIN: [&str; 4] = ["task-events", "session-events", "intent-events", "notification-events"];

/// One request the fake API received.
#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: String,
    pub(crate) content_type: String,
    pub(crate) body: Value,
}

/// The fake API server's objects (by path) and what it was asked.
#[derive(Debug, Default)]
pub(crate) struct FakeApi {
    objects: Mutex<BTreeMap<String, Value>>,
    /// Paths answered with this `Status` instead (a webhook or RBAC saying no).
    pub(crate) refusals: Mutex<BTreeMap<String, Value>>,
    requests: Mutex<Vec<Recorded>>,
}

impl FakeApi {
    /// Every request so far, in order.
    pub(crate) fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("requests").clone()
    }

    /// The object at `path` as it is now.
    pub(crate) fn object(&self, path: &str) -> Value {
        self.objects.lock().expect("objects")[path].clone()
    }
}

async fn answer(
    State(api): State<Arc<FakeApi>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, Json<Value>) {
    let path = uri.path().to_owned();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    api.requests.lock().expect("requests").push(Recorded {
        method: method.clone(),
        path: path.clone(),
        query: uri.query().unwrap_or_default().to_owned(),
        content_type: content_type.to_owned(),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    });
    if let Some(status) = api.refusals.lock().expect("refusals").get(&path) {
        let code = StatusCode::from_u16(status["code"].as_u64().unwrap_or(500) as u16).expect("a code");
        return (code, Json(status.clone()));
    }
    let mut objects = api.objects.lock().expect("objects");
    let Some(object) = objects.get_mut(&path) else {
        let name = path.rsplit('/').next().unwrap_or_default();
        let status = json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": format!("{name:?} not found"), "reason": "NotFound", "code": 404
        });
        return (StatusCode::NOT_FOUND, Json(status));
    };
    if method == Method::PATCH {
        merge(object, &serde_json::from_slice(&body).expect("a JSON patch"));
    }
    (StatusCode::OK, Json(object.clone()))
}

/// RFC 7386, as the API server applies `application/merge-patch+json`.
fn merge(target: &mut Value, patch: &Value) {
    let Value::Object(fields) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = json!({});
    }
    let target = target.as_object_mut().expect("an object");
    for (key, value) in fields {
        if value.is_null() {
            target.remove(key);
        } else {
            merge(target.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

fn object(api_version: &str, kind: &str, name: &str, spec: Value) -> Value {
    json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": name, "namespace": "todo"}, "spec": spec})
}

/// The objects of both variants that the tests act on.
fn cluster() -> Vec<(String, Value)> {
    let kafka = |topic: &str| json!({"type": "kafka", "name": topic, "metadata": {"topic": topic}});
    let source = |name: &str, topics: &[&str]| {
        let mut source = object("sources.knative.dev/v1", "KafkaSource", name, json!({"topics": topics}));
        source["metadata"]["annotations"] =
            json!({"autoscaling.eventing.knative.dev/class": "keda.autoscaling.knative.dev"});
        source
    };
    let consumer = |name: &str, topics: &[&str]| {
        let triggers: Vec<Value> = topics.iter().map(|t| kafka(t)).collect();
        object(
            "keda.sh/v1alpha1",
            "ScaledObject",
            name,
            json!({"minReplicaCount": 0, "triggers": triggers}),
        )
    };
    // chat-api's pod template: its container's settings, and a sidecar that must stay.
    let chat_api = |api_version: &str, kind: &str| {
        let mut chat = object(
            api_version,
            kind,
            "chat-api",
            json!({"template": {"spec": {"containers": [
                {"name": "chat-api", "image": "registry.digitalocean.com/todo/todo:1", "env": [
                    {"name": "LOG_FORMAT", "value": "json"},
                    {"name": "LLM_CIRCUIT", "valueFrom": {"configMapKeyRef": {"name": "todo-config", "key": "LLM_CIRCUIT"}}},
                    {"name": "RUST_LOG", "value": "info"}
                ]},
                {"name": "proxy", "image": "envoy:1"}
            ]}}}),
        );
        chat["metadata"]["resourceVersion"] = json!("41");
        chat
    };
    vec![
        (
            format!("{KSVC}/chat-api"),
            chat_api("serving.knative.dev/v1", "Service"),
        ),
        (format!("{DEPLOYMENT}/chat-api"), chat_api("apps/v1", "Deployment")),
        (
            format!("{KSVC}/task-api"),
            object("serving.knative.dev/v1", "Service", "task-api", json!({"template": {}})),
        ),
        (format!("{KAFKASOURCE}/analytics"), source("analytics", &DOMAIN)),
        (
            format!("{KAFKASOURCE}/scheduler"),
            source("scheduler", &["task-events"]),
        ),
        (
            format!("{DEPLOYMENT}/task-api"),
            object("apps/v1", "Deployment", "task-api", json!({"template": {}})),
        ),
        (
            format!("{SCALEDOBJECT}/task-api"),
            object(
                "keda.sh/v1alpha1",
                "ScaledObject",
                "task-api",
                json!({"minReplicaCount": 1}),
            ),
        ),
        (
            format!("{SCALEDOBJECT}/analytics-consumer"),
            consumer("analytics-consumer", &DOMAIN),
        ),
        (
            format!("{SCALEDOBJECT}/scheduler-consumer"),
            consumer("scheduler-consumer", &["task-events"]),
        ),
    ]
}

/// An executor of `platform` in namespace `todo`, on a fake API holding [`cluster`].
pub(crate) async fn spawn(platform: Platform) -> (KubeExecutor, Arc<FakeApi>) {
    let api = Arc::new(FakeApi::default());
    api.objects.lock().expect("objects").extend(cluster());
    let router = axum::Router::new().fallback(answer).with_state(api.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, router).await });
    let config = kube::Config::new(url.parse().expect("a URI"));
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 14, 12, 0, 0).single().expect("a time"));
    let executor = KubeExecutor::new(client(config).expect("a client"), platform, "todo").with_clock(Arc::new(clock));
    (executor, api)
}

pub(crate) fn the_one_patch(api: &FakeApi, path: &str) -> Value {
    let requests = api.requests();
    let patches: Vec<&Recorded> = requests.iter().filter(|r| r.method == Method::PATCH).collect();
    assert_eq!(patches.len(), 1, "{requests:?}");
    let patch = patches[0];
    assert_eq!(patch.path, path);
    assert_eq!(patch.content_type, "application/merge-patch+json");
    assert!(patch.query.contains("fieldManager=aiops"), "{}", patch.query);
    patch.body.clone()
}

pub(crate) fn scale(function: &str, up: bool, from: u32, to: u32) -> Action {
    let function = function.to_owned();
    if up {
        Action::ScaleUp { function, from, to }
    } else {
        Action::ScaleDown { function, from, to }
    }
}

pub(crate) fn pause(function: &str, topic: &str, resume: bool) -> Action {
    let (function, topic) = (function.to_owned(), topic.to_owned());
    if resume {
        Action::ResumeConsumer { function, topic }
    } else {
        Action::PauseConsumer { function, topic }
    }
}
