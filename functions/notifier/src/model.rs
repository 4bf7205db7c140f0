//! What the notifier stores and shows: subscriptions (what a user wants to hear about, and
//! where), deliveries (one event on its way to one subscription), and the claims and attempt
//! results the worker trades with the store.

use chrono::{DateTime, Utc};
use serde::Serialize;
use todo_kit::redacted::Redacted;
use uuid::Uuid;

/// A user's webhook subscription, as the API shows it (never with its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Subscription {
    /// Id of the subscription.
    #[schema(value_type = String, example = "0192e3a4-5b6c-7d8e-9f00-112233445566")]
    pub id: Uuid,
    /// Where events are POSTed.
    pub url: String,
    /// The event types delivered, e.g. `task.created`.
    pub event_types: Vec<String>,
    /// The owner's note.
    pub description: Option<String>,
    /// False once the endpoint answered 410 Gone: nothing more is delivered.
    pub active: bool,
    /// Why the subscription was disabled.
    pub disabled_reason: Option<String>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// The answer to creating a subscription: the only time the secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CreatedSubscription {
    /// The subscription.
    #[serde(flatten)]
    pub subscription: Subscription,
    /// The signing secret (`whsec_...`): keep it; it cannot be read again.
    #[schema(value_type = String)]
    pub secret: Redacted,
}

/// A checked request for a subscription, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSubscription {
    /// A URL that passed [`crate::target`]'s checks.
    pub url: String,
    /// Catalog event types, without duplicates.
    pub event_types: Vec<String>,
    /// A well-formed `whsec_` secret.
    pub secret: Redacted,
    /// The owner's note.
    pub description: Option<String>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    /// Waiting for its first or next attempt.
    Pending,
    /// The endpoint answered 2xx.
    Sent,
    /// Given up: past the retry horizon, or the subscription was disabled.
    Failed,
}

impl DeliveryStatus {
    /// The stored and shown name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }

    /// The status named `s`.
    ///
    /// # Errors
    /// `Corrupt` for an unknown name.
    pub fn parse(s: &str) -> crate::Result<Self> {
        match s {
            "pending" => Ok(Self::Pending),
            "sent" => Ok(Self::Sent),
            "failed" => Ok(Self::Failed),
            other => Err(crate::Error::Corrupt(format!("delivery status '{other}'"))),
        }
    }
}

/// One entry of a subscription's delivery log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DeliveryRecord {
    /// Id of the delivery; also its `webhook-id` header.
    #[schema(value_type = String, example = "0192e3a4-5b6c-7d8e-9f00-112233445566")]
    pub id: Uuid,
    /// Id of the event delivered.
    pub event_id: String,
    /// Type of the event delivered.
    pub event_type: String,
    /// pending, sent or failed.
    pub status: DeliveryStatus,
    /// Requests made so far.
    pub attempts: i32,
    /// HTTP status of the last answer, if there was one.
    pub last_status_code: Option<i32>,
    /// What went wrong last, if anything.
    pub last_error: Option<String>,
    /// When the next attempt is due (pending deliveries only).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When the delivery was queued.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// When it was sent or given up.
    pub completed_at: Option<DateTime<Utc>>,
}

/// A page of a delivery log, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DeliveryPage {
    /// The deliveries.
    pub items: Vec<DeliveryRecord>,
    /// Pass as `cursor` for the next (older) page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A due delivery taken by one worker until `leased_until`, with what sending it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The delivery.
    pub delivery_id: Uuid,
    /// Proves the lease is still this worker's when the result is recorded.
    pub lease_token: Uuid,
    /// Its subscription.
    pub subscription_id: Uuid,
    /// The subscription's owner.
    pub owner_id: String,
    /// Target URL.
    pub url: String,
    /// Signing secret (`whsec_...`).
    pub secret: Redacted,
    /// False when the subscription was disabled after this delivery was queued.
    pub active: bool,
    /// The event delivered: its id, type and structured CloudEvent JSON (the request body,
    /// byte for byte the same on every attempt).
    pub event_id: String,
    /// Its type.
    pub event_type: String,
    /// Its body.
    pub body: String,
    /// The triggering event's correlation id (or its id when it had none).
    pub correlation_id: Option<String>,
    /// The triggering event's trace parent.
    pub traceparent: Option<String>,
    /// Requests made before this one.
    pub attempts: i32,
    /// When the first request was made, if one was.
    pub first_attempt_at: Option<DateTime<Utc>>,
}

/// What an attempt ended with, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptResult {
    /// 2xx: sent.
    Sent {
        /// The answer's status.
        status_code: u16,
    },
    /// Failed; try again at `next_attempt_at`.
    Retry {
        /// The answer's status, if one came.
        status_code: Option<u16>,
        /// What went wrong.
        error: String,
        /// When to try again.
        next_attempt_at: DateTime<Utc>,
    },
    /// Failed for good.
    Failed {
        /// The answer's status, if one came.
        status_code: Option<u16>,
        /// What went wrong.
        error: String,
        /// Whether a request was made (false when the subscription was already disabled).
        attempted: bool,
        /// Disable the subscription with this reason (the endpoint said 410 Gone).
        disable: Option<String>,
    },
}
