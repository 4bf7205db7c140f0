//! Data of the `intent.*` events: what chat-api understood (or failed to understand) from a message.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `intent.recognized`: a message was mapped to an action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntentRecognized {
    /// The session the message came from.
    pub session_id: String,
    /// Name of the intent, e.g. `create_task`.
    pub intent: String,
    /// Confidence of the recognizer, 0 to 1.
    pub confidence: f64,
    /// Extracted parameters of the intent. A JSON object.
    pub parameters: Value,
}

/// `intent.failed`: no intent could be recognized with enough confidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntentFailed {
    /// The session the message came from.
    pub session_id: String,
    /// The message that was not understood, up to 2000 characters.
    pub message: String,
    /// Best confidence reached, 0 to 1.
    pub confidence: f64,
}
