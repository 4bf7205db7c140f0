//! A webhook endpoint for tests: a real HTTP server on 127.0.0.1 that records every request and
//! answers with scripted statuses, optionally after a delay (or never, within a test's life).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;

/// One request the endpoint got.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Received {
    pub(crate) fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("header {name} missing"))
    }
}

#[derive(Clone, Default)]
struct Script {
    received: Arc<Mutex<Vec<Received>>>,
    statuses: Arc<Mutex<VecDeque<u16>>>,
    delay: Option<Duration>,
}

/// A running endpoint; it stops when dropped.
pub(crate) struct Receiver {
    /// `http://127.0.0.1:PORT/hook`.
    pub(crate) url: String,
    script: Script,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn hook(State(script): State<Script>, headers: HeaderMap, body: Bytes) -> StatusCode {
    script.received.lock().expect("lock").push(Received { headers, body });
    if let Some(delay) = script.delay {
        tokio::time::sleep(delay).await;
    }
    let status = script.statuses.lock().expect("lock").pop_front().unwrap_or(200);
    StatusCode::from_u16(status).expect("a status")
}

impl Receiver {
    /// An endpoint answering `statuses` in order, then 200.
    pub(crate) async fn start(statuses: &[u16]) -> Self {
        Self::start_with(statuses, None).await
    }

    /// An endpoint that answers only after `delay`.
    pub(crate) async fn start_with(statuses: &[u16], delay: Option<Duration>) -> Self {
        let script = Script {
            statuses: Arc::new(Mutex::new(statuses.iter().copied().collect())),
            delay,
            ..Script::default()
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}/hook", listener.local_addr().expect("address"));
        let app = Router::new().route("/hook", post(hook)).with_state(script.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { url, script, server }
    }

    /// Everything received so far.
    pub(crate) fn received(&self) -> Vec<Received> {
        self.script.received.lock().expect("lock").clone()
    }

    /// Waits up to `within` for at least `n` requests; returns them.
    pub(crate) async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let received = self.received();
            if received.len() >= n || tokio::time::Instant::now() >= deadline {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
