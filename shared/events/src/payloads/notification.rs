//! Data of the `notification.*` events: outcomes of deliveries made by the notifier.

use serde::{Deserialize, Serialize};

/// `notification.sent`: a notification was delivered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotificationSent {
    /// Id of the notification.
    pub notification_id: String,
    /// Kind of notification, e.g. `reminder` or `webhook`. Serialized as `type`.
    #[serde(rename = "type")]
    pub r#type: String,
    /// Where it went (webhook URL, address, ...).
    pub recipient: String,
    /// Delivery status reported by the channel, e.g. `delivered`.
    pub status: String,
}

/// `notification.failed`: a delivery attempt failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotificationFailed {
    /// Id of the notification.
    pub notification_id: String,
    /// What went wrong.
    pub error: String,
    /// Attempts made so far after the first one.
    pub retry_count: u32,
}
