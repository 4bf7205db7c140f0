//! The opaque cursor: base64url of the sort key of the last row shown, bound to the sort and the
//! filters it was issued for, so a cursor replayed with other parameters is refused instead of
//! silently skipping rows.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use super::KeyValue;

/// Where the previous page ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    /// Sort key of the last row shown.
    pub key: Vec<KeyValue>,
    /// Id of the last row shown.
    pub id: i64,
    pub(super) sort: String,
    pub(super) filters: u64,
}

impl Cursor {
    /// The opaque token for the API.
    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    pub(super) fn decode(token: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(token.trim()).ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}
