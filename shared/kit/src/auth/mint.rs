//! Tokens the platform signs itself (HS256 with the shared secret): the embedded mode's
//! development tokens, the web page's sign-in and tests.

use std::time::Duration;

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde::Serialize;

use super::{AuthError, Stamp};

/// The claims of a token the platform signs (the decoding side, the authenticator's `Claims`,
/// takes any `aud`).
#[derive(Serialize)]
struct Minted<'a> {
    sub: &'a str,
    exp: u64,
    iat: u64,
    #[serde(skip_serializing_if = "<[&str]>::is_empty")]
    roles: &'a [&'a str],
    #[serde(skip_serializing_if = "Option::is_none")]
    iss: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    aud: Option<&'a str>,
}

/// Signs an HS256 token for `user_id`, valid for `ttl`: the embedded mode's dev tokens and tests.
///
/// # Errors
/// Fails only if signing fails.
pub fn mint_hs256(secret: &[u8], user_id: &str, ttl: Duration) -> Result<String, AuthError> {
    mint_hs256_with_roles(secret, user_id, &[], ttl)
}

/// [`mint_hs256`] with a `roles` claim (`admin`).
///
/// # Errors
/// Fails only if signing fails.
pub fn mint_hs256_with_roles(secret: &[u8], user_id: &str, roles: &[&str], ttl: Duration) -> Result<String, AuthError> {
    mint_hs256_stamped(secret, user_id, roles, ttl, Stamp::default())
}

/// [`mint_hs256_with_roles`] carrying `stamp`'s issuer and audience ([`AuthSettings::stamp`](super::AuthSettings::stamp)).
///
/// # Errors
/// Fails only if signing fails.
pub fn mint_hs256_stamped(
    secret: &[u8],
    user_id: &str,
    roles: &[&str],
    ttl: Duration,
    stamp: Stamp<'_>,
) -> Result<String, AuthError> {
    let now = u64::try_from(chrono::Utc::now().timestamp()).unwrap_or_default();
    let claims = Minted {
        sub: user_id,
        exp: now + ttl.as_secs(),
        iat: now,
        roles,
        iss: stamp.issuer,
        aud: stamp.audience,
    };
    encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret),
    )
    .map_err(|e| AuthError::Invalid(e.to_string()))
}
