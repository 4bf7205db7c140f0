//! The body Alertmanager POSTs to a webhook receiver (payload `version` "4"), as its
//! `notify/webhook` package writes it: camelCase keys, `externalURL`/`generatorURL` spelled so, and
//! the zero time `0001-01-01T00:00:00Z` as `endsAt` of an alert that has not ended.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Labels or annotations, sorted so that output and fallback fingerprints are stable.
pub type LabelSet = BTreeMap<String, String>;

/// One webhook notification: a group of alerts that share `groupLabels`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookPayload {
    pub version: String,
    pub group_key: String,
    /// How many alerts the receiver's `max_alerts` left out.
    #[serde(default)]
    pub truncated_alerts: u64,
    pub status: AlertStatus,
    pub receiver: String,
    #[serde(default)]
    pub group_labels: LabelSet,
    #[serde(default)]
    pub common_labels: LabelSet,
    #[serde(default)]
    pub common_annotations: LabelSet,
    #[serde(rename = "externalURL", default)]
    pub external_url: String,
    pub alerts: Vec<Alert>,
}

/// Whether an alert (or, on the payload, any alert of the group) is firing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AlertStatus {
    Firing,
    Resolved,
}

/// One alert of a notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    pub status: AlertStatus,
    pub labels: LabelSet,
    #[serde(default)]
    pub annotations: LabelSet,
    pub starts_at: DateTime<Utc>,
    /// `None` for the zero time Alertmanager sends while the alert has no end.
    #[serde(default, with = "zero_time")]
    pub ends_at: Option<DateTime<Utc>>,
    #[serde(rename = "generatorURL", default)]
    pub generator_url: String,
    /// Alertmanager's hash of the labels: the same alert has the same one when it resolves.
    #[serde(default)]
    pub fingerprint: String,
}

impl Alert {
    /// The `alertname` label (empty when missing).
    pub fn name(&self) -> &str {
        self.labels.get("alertname").map_or("", String::as_str)
    }

    /// The fingerprint, or the rendered labels when a sender left it out (they identify an alert
    /// just as well, only longer).
    pub fn key(&self) -> String {
        if !self.fingerprint.is_empty() {
            return self.fingerprint.clone();
        }
        let pairs: Vec<String> = self.labels.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
        format!("{{{}}}", pairs.join(","))
    }
}

/// `Option<DateTime>` with Go's zero time (year 1) standing for `None`, both ways.
mod zero_time {
    use chrono::{DateTime, Datelike, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    const ZERO: &str = "0001-01-01T00:00:00Z";

    pub(super) fn serialize<S: Serializer>(value: &Option<DateTime<Utc>>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(time) => serializer.serialize_str(&time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
            None => serializer.serialize_str(ZERO),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        let time = Option::<DateTime<Utc>>::deserialize(deserializer)?;
        Ok(time.filter(|t| t.year() > 1))
    }
}
