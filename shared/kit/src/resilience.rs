//! Calling a peer function over HTTP the way DESIGN §2 says: a 5 s timeout per attempt, retries
//! after 100, 200 and 400 ms, and a circuit breaker that opens after 5 failures in a row and lets
//! one probe through after 30 s. The caller's token, correlation id and trace parent go along.
//!
//! Retries never duplicate a write: idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS) are
//! retried after any transient failure, but a POST or PATCH only when the peer cannot have acted
//! on it (the connection was refused, or it answered 503, which our functions send only when the
//! change was not made). A 4xx is the peer's final word and is never retried.
//!
//! A [`CircuitHold`] is the switch an operator (aiops' remediation) holds a circuit open with,
//! whatever the breakers saw: the caller that owns it asks no one while it is held.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http::{HeaderMap, HeaderValue, Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use crate::context::{CORRELATION_ID, TRACEPARENT};

/// How a peer is called.
#[derive(Debug, Clone)]
pub struct ResilienceSettings {
    /// Pauses before the second, third, ... attempt; their count is the number of retries.
    pub retry_delays: Vec<Duration>,
    /// Longest wait for one attempt's response.
    pub timeout: Duration,
    /// Consecutive failures that open the circuit.
    pub failure_threshold: u32,
    /// How long an open circuit refuses calls before letting one probe through.
    pub open_for: Duration,
}

impl Default for ResilienceSettings {
    fn default() -> Self {
        Self {
            retry_delays: vec![
                Duration::from_millis(100),
                Duration::from_millis(200),
                Duration::from_millis(400),
            ],
            timeout: Duration::from_secs(5),
            failure_threshold: 5,
            open_for: Duration::from_secs(30),
        }
    }
}

/// Why a call produced no response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeerError {
    /// The circuit is open after repeated failures; the call was not attempted.
    #[error("{peer} is failing; calls are paused for a while (circuit open)")]
    CircuitOpen {
        /// The peer's name.
        peer: String,
    },
    /// Every attempt failed (connection, timeout or 5xx); the last reason.
    #[error("{peer} is unavailable: {reason}")]
    Unavailable {
        /// The peer's name.
        peer: String,
        /// What the last attempt saw.
        reason: String,
    },
}

/// A peer's answer.
#[derive(Debug, Clone)]
pub struct PeerResponse {
    /// Status code (2xx, or a 4xx/5xx the caller interprets).
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The body parsed as JSON (`Null` when empty or not JSON).
    pub body: Value,
}

/// What a call carries on behalf of its caller.
#[derive(Debug, Clone, Default)]
pub struct Forwarded {
    /// The caller's bearer token (a user's, or a model provider's API key); its Debug shows
    /// `[REDACTED]`, so a logged or panicking call never prints it.
    pub bearer: Option<SecretString>,
    /// `x-correlation-id`.
    pub correlation_id: Option<String>,
    /// W3C `traceparent`.
    pub traceparent: Option<String>,
}

enum Circuit {
    Closed { failures: u32 },
    Open { until: Instant },
    HalfOpen { probing: bool },
}

/// A switch that holds a circuit open, shared by the caller that checks it (chat-api's model chain)
/// and whoever decides (aiops' remediation opening the circuit to a failing model provider).
/// Cloning shares it.
#[derive(Debug, Clone, Default)]
pub struct CircuitHold(Arc<AtomicBool>);

impl CircuitHold {
    /// A hold, held if `open`.
    pub fn new(open: bool) -> Self {
        Self(Arc::new(AtomicBool::new(open)))
    }

    /// Holds the circuits open (`true`) or lets them go (`false`); whether they were held before.
    pub fn set(&self, open: bool) -> bool {
        self.0.swap(open, Ordering::SeqCst)
    }

    /// Whether the circuits are held open.
    pub fn is_held(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Consecutive-failure circuit breaker.
pub struct CircuitBreaker {
    state: Mutex<Circuit>,
    threshold: u32,
    open_for: Duration,
}

impl std::fmt::Debug for CircuitBreaker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CircuitBreaker")
            .field("open", &self.is_open())
            .finish_non_exhaustive()
    }
}

impl CircuitBreaker {
    /// A closed breaker.
    pub fn new(threshold: u32, open_for: Duration) -> Self {
        Self {
            state: Mutex::new(Circuit::Closed { failures: 0 }),
            threshold: threshold.max(1),
            open_for,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Circuit> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// True while calls are refused.
    pub fn is_open(&self) -> bool {
        matches!(*self.lock(), Circuit::Open { until } if Instant::now() < until)
    }

    /// May a call go out now? After the open period, one probe may.
    pub fn allow(&self) -> bool {
        let mut state = self.lock();
        match *state {
            Circuit::Closed { .. } => true,
            Circuit::Open { until } if Instant::now() >= until => {
                *state = Circuit::HalfOpen { probing: true };
                true
            }
            Circuit::Open { .. } => false,
            Circuit::HalfOpen { probing } => {
                if probing {
                    false
                } else {
                    *state = Circuit::HalfOpen { probing: true };
                    true
                }
            }
        }
    }

    /// Records an attempt's outcome.
    pub fn record(&self, success: bool) {
        let mut state = self.lock();
        *state = match (&*state, success) {
            (_, true) => Circuit::Closed { failures: 0 },
            (Circuit::Closed { failures }, false) if failures + 1 < self.threshold => {
                Circuit::Closed { failures: failures + 1 }
            }
            (_, false) => Circuit::Open {
                until: Instant::now() + self.open_for,
            },
        };
    }
}

/// An HTTP client for one peer function.
#[derive(Debug)]
pub struct PeerClient {
    name: String,
    base_url: String,
    http: reqwest::Client,
    settings: ResilienceSettings,
    breaker: CircuitBreaker,
}

fn idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

impl PeerClient {
    /// A client for the peer `name` at `base_url` (e.g. `http://task-api.todo.svc`).
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(name: &str, base_url: &str, settings: ResilienceSettings) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder().timeout(settings.timeout).build()?;
        Ok(Self {
            name: name.to_owned(),
            base_url: base_url.trim_end_matches('/').to_owned(),
            breaker: CircuitBreaker::new(settings.failure_threshold, settings.open_for),
            http,
            settings,
        })
    }

    /// The peer's base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// True while the circuit is open.
    pub fn circuit_open(&self) -> bool {
        self.breaker.is_open()
    }

    /// Sends `method path` with an optional JSON body, retrying and breaking as described above.
    ///
    /// # Errors
    /// `CircuitOpen` without trying, or `Unavailable` when every attempt failed.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        forwarded: &Forwarded,
    ) -> Result<PeerResponse, PeerError> {
        let mut delays = self.settings.retry_delays.iter();
        loop {
            if !self.breaker.allow() {
                return Err(PeerError::CircuitOpen {
                    peer: self.name.clone(),
                });
            }
            let (reason, may_retry) = match self.attempt(&method, path, body, forwarded).await {
                Ok(response) if !response.status.is_server_error() => {
                    self.breaker.record(true);
                    return Ok(response);
                }
                Ok(response) => {
                    self.breaker.record(false);
                    let retry = idempotent(&method) || response.status == StatusCode::SERVICE_UNAVAILABLE;
                    match delays.clone().next() {
                        Some(_) if retry => (format!("answered {}", response.status), true),
                        _ => return Ok(response),
                    }
                }
                Err(error) => {
                    self.breaker.record(false);
                    let retry = idempotent(&method) || error.is_connect();
                    (error_reason(&error), retry)
                }
            };
            match delays.next() {
                Some(delay) if may_retry => {
                    tracing::debug!(peer = %self.name, %reason, retry_in_ms = delay.as_millis(), "peer call failed; retrying");
                    tokio::time::sleep(*delay).await;
                }
                _ => {
                    return Err(PeerError::Unavailable {
                        peer: self.name.clone(),
                        reason,
                    });
                }
            }
        }
    }

    async fn attempt(
        &self,
        method: &Method,
        path: &str,
        body: Option<&Value>,
        forwarded: &Forwarded,
    ) -> Result<PeerResponse, reqwest::Error> {
        use tracing::Instrument;
        let span = tracing::info_span!(
            "peer.request",
            otel.name = %format!("{method} {}", self.name),
            otel.kind = "client",
            peer = %self.name,
            http.request.method = %method,
            url.path = %path.split('?').next().unwrap_or(path),
            http.response.status_code = tracing::field::Empty,
        );
        // This call's own span is the caller's parent downstream; without tracing, pass on what came in.
        let traceparent =
            crate::telemetry::propagation::traceparent_of(&span).or_else(|| forwarded.traceparent.clone());
        let tracestate = crate::telemetry::propagation::tracestate_of(&span);
        let mut request = self.http.request(method.clone(), format!("{}{path}", self.base_url));
        if let Some(token) = &forwarded.bearer {
            request = request.bearer_auth(token.expose_secret());
        }
        for (name, value) in [
            (CORRELATION_ID, &forwarded.correlation_id),
            (TRACEPARENT, &traceparent),
            ("tracestate", &tracestate),
        ] {
            if let Some(value) = value.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
                request = request.header(name, value);
            }
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        async {
            let response = request.send().await?;
            let status = response.status();
            tracing::Span::current().record("http.response.status_code", status.as_u16());
            let headers = response.headers().clone();
            let bytes = response.bytes().await?;
            let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            Ok(PeerResponse { status, headers, body })
        }
        .instrument(span)
        .await
    }
}

fn error_reason(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "timed out".into()
    } else if error.is_connect() {
        "connection refused or unreachable".into()
    } else {
        crate::error_chain::error_chain(error)
    }
}
