//! One signed request to one endpoint (Standard Webhooks headers, structured CloudEvent body).
//! The target is checked again first: a host that now resolves to a refused address fails the
//! attempt without a connection being made.

use std::sync::Arc;

use reqwest::header::{CONTENT_TYPE, HeaderValue};

use crate::model::Claim;
use crate::settings::Settings;
use crate::signature::{secret_bytes, sign};
use crate::target::{self, GuardedResolver};

/// The `user-agent` of delivery requests.
pub const USER_AGENT: &str = concat!("todo-notifier/", env!("CARGO_PKG_VERSION"));
/// The media type of a structured-mode CloudEvent.
pub const CLOUDEVENTS_JSON: &str = "application/cloudevents+json";

/// What the endpoint answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Answer {
    /// An HTTP status.
    Status(u16),
    /// No answer: refused target, DNS, connect, TLS or timeout; the reason.
    NoAnswer(String),
}

/// The delivery client: per-request timeout, no redirects (a redirect could lead to a refused
/// address), no proxy from the environment, and the guarded resolver.
///
/// # Errors
/// When the TLS backend cannot be set up.
pub(crate) fn client(settings: &Settings) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .timeout(settings.timeout)
        .connect_timeout(settings.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .user_agent(USER_AGENT)
        .dns_resolver(Arc::new(GuardedResolver {
            allow_private: settings.allow_private_targets,
        }))
        .build()
}

/// Makes the request for `claim`, stamped `timestamp` (unix seconds).
pub(crate) async fn send(client: &reqwest::Client, claim: &Claim, timestamp: i64, allow_private: bool) -> Answer {
    let url = match target::parse_url(&claim.url) {
        Ok(url) => url,
        Err(reason) => return Answer::NoAnswer(format!("target URL {reason}")),
    };
    if let Err(reason) = target::check(&url, allow_private).await {
        return Answer::NoAnswer(format!("target refused: {reason}"));
    }
    let key = match secret_bytes(claim.secret.expose()) {
        Ok(key) => key,
        Err(reason) => return Answer::NoAnswer(format!("stored secret {reason}")),
    };
    let id = claim.delivery_id.to_string();
    let signature = sign(&key, &id, timestamp, claim.body.as_bytes());
    let request = client
        .post(url)
        .header(CONTENT_TYPE, HeaderValue::from_static(CLOUDEVENTS_JSON))
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(claim.body.clone());
    match request.send().await {
        // The body is not read: only the status matters, and an endpoint must not make us wait.
        Ok(response) => Answer::Status(response.status().as_u16()),
        Err(error) if error.is_timeout() => Answer::NoAnswer("timed out waiting for the endpoint".into()),
        // Without the URL: its query may hold the receiver's token, and this text is logged and published.
        Err(error) => Answer::NoAnswer(chain(&error.without_url())),
    }
}

/// The error and its causes on one line ("error sending request: ...: connection refused").
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
