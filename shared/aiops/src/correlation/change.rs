//! What one call to the correlator changed, so the `aiops` function can publish
//! `incident.opened` / `incident.resolved` and the routes can answer the webhook.

use serde::{Deserialize, Serialize};

/// One change to the incidents (or the reason there was none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// A signal related to no open incident opened this one.
    Opened { incident: String },
    /// The incident gained a signal or a signal of it ended.
    Updated { incident: String },
    /// A signal related to both: `incident` was folded into the older `into`.
    Merged { incident: String, into: String },
    /// Every signal of the incident ended.
    Resolved { incident: String },
    /// The signal's component is under maintenance: it was recorded nowhere.
    Silenced { component: String, reason: String },
}
