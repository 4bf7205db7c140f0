//! A signal is anything that says a component misbehaves from some time on: an alert from
//! Alertmanager or an anomaly from a detector. One type carries both, so the correlator groups
//! them alike; `source` keeps what is particular to each.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::alertmanager::{Alert, AlertStatus, WebhookPayload};
use super::components::alert_component;

/// One alert or anomaly on one component.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signal {
    pub component: String,
    /// The alert's name or the anomalous series' name.
    pub name: String,
    pub started_at: DateTime<Utc>,
    /// When it was last reported (firing alerts are re-sent; anomalies repeat while they last).
    pub last_seen: DateTime<Utc>,
    /// Set when it ended; a signal that arrives with an end closes the open signal with its key.
    pub ended_at: Option<DateTime<Utc>>,
    pub source: SignalSource,
}

/// What kind of signal it is, with what only that kind has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SignalSource {
    Alert {
        fingerprint: String,
        severity: Option<String>,
        summary: Option<String>,
    },
    Anomaly {
        score: f64,
        value: f64,
    },
}

impl Signal {
    /// An alert as a signal; a resolved alert ends at its `endsAt` (at `now` if it has none).
    pub fn from_alert(alert: &Alert, now: DateTime<Utc>) -> Self {
        let ended_at = match alert.status {
            AlertStatus::Firing => None,
            AlertStatus::Resolved => Some(alert.ends_at.unwrap_or(now)),
        };
        Self {
            component: alert_component(&alert.labels),
            name: alert.name().to_owned(),
            started_at: alert.starts_at,
            last_seen: now.max(alert.starts_at),
            ended_at,
            source: SignalSource::Alert {
                fingerprint: alert.key(),
                severity: alert.labels.get("severity").cloned(),
                summary: alert.annotations.get("summary").cloned(),
            },
        }
    }

    /// Every alert of a webhook notification.
    pub fn from_webhook(payload: &WebhookPayload, now: DateTime<Utc>) -> Vec<Self> {
        payload.alerts.iter().map(|a| Self::from_alert(a, now)).collect()
    }

    /// An anomaly the detector found on `series` of `component` from `started_at` on.
    pub fn anomaly(
        component: impl Into<String>,
        series: impl Into<String>,
        started_at: DateTime<Utc>,
        score: f64,
        value: f64,
    ) -> Self {
        Self {
            component: component.into(),
            name: series.into(),
            started_at,
            last_seen: started_at,
            ended_at: None,
            source: SignalSource::Anomaly { score, value },
        }
    }

    /// This signal marked as ended at `at` (to report the end of an anomaly, or in tests).
    pub fn ended(mut self, at: DateTime<Utc>) -> Self {
        self.ended_at = Some(at);
        self
    }

    /// What identifies the signal across reports: an alert's fingerprint, an anomaly's component
    /// and series.
    pub fn key(&self) -> String {
        match &self.source {
            SignalSource::Alert { fingerprint, .. } => format!("alert:{fingerprint}"),
            SignalSource::Anomaly { .. } => format!("anomaly:{}/{}", self.component, self.name),
        }
    }

    /// Whether it is an anomaly (these end by going quiet).
    pub fn is_anomaly(&self) -> bool {
        matches!(self.source, SignalSource::Anomaly { .. })
    }

    /// `alert PostgresDown` or `anomaly on http_error_ratio`, for evidence and summaries.
    pub fn describe(&self) -> String {
        match self.source {
            SignalSource::Alert { .. } => format!("alert {}", self.name),
            SignalSource::Anomaly { score, .. } => format!("anomaly on {} (score {score:.2})", self.name),
        }
    }
}
