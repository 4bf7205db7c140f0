//! Standard Webhooks signatures (<https://www.standardwebhooks.com/>): how the notifier signs
//! each request, and how a receiver checks it. No I/O.
//!
//! A secret is `whsec_` followed by the base64 of 24 to 64 random bytes. A request carries
//! `webhook-id`, `webhook-timestamp` (unix seconds) and `webhook-signature: v1,<base64 sig>`, where
//! `sig = HMAC-SHA256(secret bytes, "{id}.{timestamp}.{body}")`. The header may list several
//! space-separated signatures (during a secret rotation); one match is enough.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The prefix of every webhook secret.
pub const SECRET_PREFIX: &str = "whsec_";
/// Random bytes in a generated secret.
const GENERATED_BYTES: usize = 24;
/// Accepted sizes of a secret given by the client, in bytes.
const SECRET_BYTES: std::ops::RangeInclusive<usize> = 24..=64;

type HmacSha256 = Hmac<Sha256>;

/// A new random secret: `whsec_` + base64 of 24 random bytes.
pub fn generate_secret() -> String {
    let bytes: [u8; GENERATED_BYTES] = rand::random();
    format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes))
}

/// The key bytes of a `whsec_<base64>` secret.
///
/// # Errors
/// A reason fit for the client when the prefix is missing, the rest is not base64, or the key is
/// not 24 to 64 bytes long.
pub fn secret_bytes(secret: &str) -> Result<Vec<u8>, String> {
    let encoded = secret
        .strip_prefix(SECRET_PREFIX)
        .ok_or_else(|| format!("must start with '{SECRET_PREFIX}'"))?;
    let bytes = STANDARD
        .decode(encoded)
        .map_err(|_| format!("must be '{SECRET_PREFIX}' followed by standard base64"))?;
    if !SECRET_BYTES.contains(&bytes.len()) {
        return Err(format!(
            "must hold {} to {} bytes of key, this one holds {}",
            SECRET_BYTES.start(),
            SECRET_BYTES.end(),
            bytes.len()
        ));
    }
    Ok(bytes)
}

fn mac(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length, so this never fails.
    let mut mac = HmacSha256::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The `webhook-signature` header value for a request: `v1,<base64>`.
pub fn sign(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    let tag = mac(key, id, timestamp, body).finalize().into_bytes();
    format!("v1,{}", STANDARD.encode(tag))
}

/// True when `header` (a `webhook-signature` value) holds a `v1` signature of `id`, `timestamp`
/// and `body` made with `secret` (`whsec_...`). Comparison is constant-time.
///
/// Receivers should also refuse timestamps far from their clock (e.g. more than 5 minutes) to
/// stop replays, and remember `webhook-id`s they handled: retries reuse the id.
pub fn verify_signature(secret: &str, id: &str, timestamp: i64, body: &[u8], header: &str) -> bool {
    let Ok(key) = secret_bytes(secret) else {
        return false;
    };
    header.split_whitespace().any(|candidate| {
        let Some(encoded) = candidate.strip_prefix("v1,") else {
            return false;
        };
        let Ok(tag) = STANDARD.decode(encoded) else {
            return false;
        };
        mac(&key, id, timestamp, body).verify_slice(&tag).is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_secret_is_well_formed_and_signs_verifiably() {
        let secret = generate_secret();
        let key = secret_bytes(&secret).expect("a generated secret parses");
        assert_eq!(key.len(), 24);
        let header = sign(&key, "msg_1", 1_700_000_000, b"{\"a\":1}");
        assert!(verify_signature(&secret, "msg_1", 1_700_000_000, b"{\"a\":1}", &header));
        assert!(!verify_signature(
            &secret,
            "msg_1",
            1_700_000_001,
            b"{\"a\":1}",
            &header
        ));
        assert!(!verify_signature(
            &secret,
            "msg_2",
            1_700_000_000,
            b"{\"a\":1}",
            &header
        ));
        assert!(!verify_signature(
            &generate_secret(),
            "msg_1",
            1_700_000_000,
            b"{\"a\":1}",
            &header
        ));
    }

    #[test]
    fn the_standard_webhooks_reference_vector_verifies() {
        // From the Standard Webhooks specification's examples.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        let header = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        assert!(verify_signature(
            secret,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            body,
            header
        ));
        assert!(verify_signature(
            secret,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            body,
            &format!("v1,bm90IGl0 {header}")
        ));
    }

    #[test]
    fn malformed_secrets_are_refused_with_a_reason() {
        assert!(secret_bytes("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_err());
        assert!(secret_bytes("whsec_not base64!").is_err());
        assert!(secret_bytes("whsec_c2hvcnQ=").is_err());
    }
}
