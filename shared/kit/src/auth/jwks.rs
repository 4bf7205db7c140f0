//! Keys from a JWKS endpoint (`AUTH_JWKS_URL`), cached: an unknown `kid` triggers at most one
//! refresh per cooldown, so a flood of forged tokens cannot turn into a flood of requests to the
//! identity provider.

use std::time::{Duration, Instant};

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::JwkSet;
use tokio::sync::RwLock;

use super::AuthError;

/// How long fetched JWKS keys are trusted before they are fetched again.
const JWKS_TTL: Duration = Duration::from_secs(600);
/// The least time between two refreshes caused by unknown key ids.
const JWKS_REFRESH_COOLDOWN: Duration = Duration::from_secs(30);

/// The keys of one JWKS endpoint, and when they were fetched.
#[derive(Debug)]
pub(super) struct JwksCache {
    pub(super) url: String,
    client: reqwest::Client,
    state: RwLock<JwksState>,
    /// The least time between two fetches.
    pub(super) cooldown: Duration,
}

#[derive(Debug, Default)]
struct JwksState {
    keys: Option<JwkSet>,
    fetched_at: Option<Instant>,
}

impl JwksCache {
    /// A cache of `url`'s keys, empty until the first token needs one.
    pub(super) fn new(url: String) -> Self {
        Self {
            url,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .unwrap_or_default(),
            state: RwLock::new(JwksState::default()),
            cooldown: JWKS_REFRESH_COOLDOWN,
        }
    }

    /// The key for `kid` (or the only key, without one), fetching the keys again when they are
    /// stale or the id is unknown and the cooldown allows.
    pub(super) async fn key_for(&self, kid: Option<&str>) -> Result<DecodingKey, AuthError> {
        {
            let state = self.state.read().await;
            let fresh = state.fetched_at.is_some_and(|at| at.elapsed() < JWKS_TTL);
            if let (true, Some(keys)) = (fresh, &state.keys)
                && let Some(key) = find_key(keys, kid)
            {
                return key;
            }
        }
        let mut state = self.state.write().await;
        let may_refresh = state.fetched_at.is_none_or(|at| at.elapsed() >= self.cooldown);
        if may_refresh {
            let keys = self.fetch().await?;
            state.keys = Some(keys);
            state.fetched_at = Some(Instant::now());
        }
        let keys = state
            .keys
            .as_ref()
            .ok_or_else(|| AuthError::Invalid("no signing keys are available".into()))?;
        find_key(keys, kid).unwrap_or_else(|| Err(AuthError::Invalid("the token's key id is unknown".into())))
    }

    async fn fetch(&self) -> Result<JwkSet, AuthError> {
        let response = self
            .client
            .get(&self.url)
            .send()
            .await
            .map_err(|e| AuthError::Invalid(format!("cannot fetch signing keys: {e}")))?;
        let response = response
            .error_for_status()
            .map_err(|e| AuthError::Invalid(format!("cannot fetch signing keys: {e}")))?;
        response
            .json::<JwkSet>()
            .await
            .map_err(|e| AuthError::Invalid(format!("the signing keys are malformed: {e}")))
    }
}

fn find_key(keys: &JwkSet, kid: Option<&str>) -> Option<Result<DecodingKey, AuthError>> {
    let jwk = match kid {
        Some(kid) => keys.find(kid)?,
        None if keys.keys.len() == 1 => &keys.keys[0],
        None => return None,
    };
    Some(DecodingKey::from_jwk(jwk).map_err(|e| AuthError::Invalid(format!("unusable signing key: {e}"))))
}
