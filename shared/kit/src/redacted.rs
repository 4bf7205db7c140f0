//! [`Redacted`]: a secret held as text that a person may see once (a webhook's signing secret in
//! the answer that creates it), and that `Debug` (logs, panics, `tracing` fields) never shows.
//! `secrecy::SecretString` refuses to serialize at all; this one serializes as its text, so
//! only code that puts it in an answer on purpose shows it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A secret string: `[REDACTED]` in `Debug`, itself in JSON.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Redacted(String);

impl Redacted {
    /// The secret itself, for the code that must use it (a signature, a database row).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Redacted {
    fn from(secret: String) -> Self {
        Self(secret)
    }
}

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_it_and_json_carries_it() {
        let secret = Redacted::from("whsec_abc".to_owned());
        assert_eq!(format!("{secret:?}"), "[REDACTED]");
        assert_eq!(format!("{:?}", Some(secret.clone())), "Some([REDACTED])");
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"whsec_abc\"");
        assert_eq!(serde_json::from_str::<Redacted>("\"whsec_abc\"").unwrap(), secret);
        assert_eq!(secret.expose(), "whsec_abc");
    }
}
