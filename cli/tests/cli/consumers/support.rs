//! What the consumer flow drives and watches: a webhook receiver, `todo watch`, the API as the
//! local user, and a bounded wait for something to become true.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::HeaderMap;
use serde_json::Value;

use crate::harness::{Platform, TODO};

/// One request the webhook receiver got.
#[derive(Debug, Clone)]
pub(super) struct Hook {
    pub(super) id: String,
    pub(super) timestamp: i64,
    pub(super) signature: String,
    pub(super) body: Bytes,
}

impl Hook {
    pub(super) fn event(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a CloudEvent body")
    }
}

/// An HTTP endpoint on 127.0.0.1 recording what it receives.
pub(super) async fn receiver() -> (String, Arc<Mutex<Vec<Hook>>>) {
    let hooks: Arc<Mutex<Vec<Hook>>> = Arc::default();
    let seen = hooks.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let seen = seen.clone();
            async move {
                let header = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned()
                };
                seen.lock().expect("hooks").push(Hook {
                    id: header("webhook-id"),
                    timestamp: header("webhook-timestamp").parse().unwrap_or_default(),
                    signature: header("webhook-signature"),
                    body,
                });
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/hook"), hooks)
}

/// `todo watch --json`, collecting the events it prints.
pub(super) struct Watch {
    child: Child,
    lines: Arc<Mutex<Vec<Value>>>,
}

impl Watch {
    pub(super) fn start(platform: &Platform) -> Self {
        let mut child = Command::new(TODO)
            .args(["watch", "--json"])
            .env("TODO_DATA_DIR", &platform.data_dir)
            .env("TODO_API", &platform.url)
            .env_remove("TODO_TOKEN")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start todo watch");
        let stdout = child.stdout.take().expect("stdout");
        let lines: Arc<Mutex<Vec<Value>>> = Arc::default();
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Ok(event) = serde_json::from_str(&line) {
                    sink.lock().expect("lines").push(event);
                }
            }
        });
        Self { child, lines }
    }

    pub(super) fn count(&self, event_type: &str) -> usize {
        self.lines
            .lock()
            .expect("lines")
            .iter()
            .filter(|e| e["type"] == event_type)
            .count()
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The API as the `local` user of a platform.
pub(super) struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    pub(super) fn of(platform: &Platform) -> Self {
        let token = std::fs::read_to_string(platform.data_dir.join("local.token")).expect("token");
        Self {
            http: reqwest::Client::new(),
            base: platform.url.clone(),
            token: token.trim().to_owned(),
        }
    }

    pub(super) async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let text = response.text().await.expect("body");
        assert!(status.is_success(), "{method} {path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    pub(super) async fn tasks(&self, query: &str) -> Vec<Value> {
        let page = self
            .call(reqwest::Method::GET, &format!("/api/tasks?limit=200{query}"), None)
            .await;
        page["items"].as_array().cloned().unwrap_or_default()
    }
}

/// Waits up to `seconds` for `check` to hold, then asserts it with `what`.
pub(super) async fn eventually<F, Fut>(seconds: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
    loop {
        match check().await {
            Ok(()) => return,
            Err(why) if tokio::time::Instant::now() > deadline => panic!("{what}: {why}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}
