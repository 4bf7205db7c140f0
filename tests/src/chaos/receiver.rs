//! The webhook endpoint the soak's subscriptions point at. It can be told to answer 500 or to
//! hang past the notifier's timeout, and it records what it accepted the way a careful receiver
//! would: by event id, remembering each `webhook-id` (Standard Webhooks' deduplication key) so a
//! redelivery of an accepted delivery is told apart from a second delivery of the same event.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};

/// How the endpoint answers now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// 204 at once.
    Accept,
    /// 500 at once.
    Fail,
    /// Answers only after the notifier has given up waiting.
    Hang,
}

/// What the endpoint accepted.
#[derive(Debug, Default)]
pub struct Accepted {
    /// Event id → the `webhook-id`s it was accepted under.
    pub by_event: BTreeMap<String, BTreeSet<String>>,
    /// Deliveries accepted again under a `webhook-id` already accepted (a retry whose first
    /// answer the notifier did not record): the receiver deduplicates these.
    pub redelivered: u64,
    /// Requests answered 500 or left hanging on purpose.
    pub refused: u64,
}

#[derive(Debug)]
struct Shared {
    behaviour: Mutex<Behaviour>,
    accepted: Mutex<Accepted>,
    hang: Duration,
}

/// A running endpoint.
#[derive(Debug, Clone)]
pub struct Receiver {
    url: String,
    shared: Arc<Shared>,
}

impl Receiver {
    /// Serves on a free port; hanging requests wait `hang` (longer than the notifier's timeout).
    ///
    /// # Errors
    /// When no port can be bound.
    pub async fn start(hang: Duration) -> std::io::Result<Self> {
        let shared = Arc::new(Shared {
            behaviour: Mutex::new(Behaviour::Accept),
            accepted: Mutex::default(),
            hang,
        });
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(receive))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}/hook", listener.local_addr()?);
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(Self { url, shared })
    }

    /// The URL subscriptions point at.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Changes how it answers from now on.
    pub fn set(&self, behaviour: Behaviour) {
        *self.shared.behaviour.lock().unwrap_or_else(PoisonError::into_inner) = behaviour;
    }

    /// Runs `read` over what it accepted so far.
    pub fn read<T>(&self, read: impl FnOnce(&Accepted) -> T) -> T {
        read(&self.shared.accepted.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

async fn receive(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let behaviour = *shared.behaviour.lock().unwrap_or_else(PoisonError::into_inner);
    match behaviour {
        Behaviour::Accept => {}
        Behaviour::Fail => {
            shared.accepted.lock().unwrap_or_else(PoisonError::into_inner).refused += 1;
            return StatusCode::INTERNAL_SERVER_ERROR;
        }
        Behaviour::Hang => {
            shared.accepted.lock().unwrap_or_else(PoisonError::into_inner).refused += 1;
            tokio::time::sleep(shared.hang).await;
            return StatusCode::SERVICE_UNAVAILABLE;
        }
    }
    let webhook_id = headers
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let event_id = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|event| event["id"].as_str().map(str::to_owned));
    let Some(event_id) = event_id else {
        return StatusCode::BAD_REQUEST;
    };
    let mut accepted = shared.accepted.lock().unwrap_or_else(PoisonError::into_inner);
    let first = accepted.by_event.entry(event_id).or_default().insert(webhook_id);
    if !first {
        accepted.redelivered += 1;
    }
    StatusCode::NO_CONTENT
}
