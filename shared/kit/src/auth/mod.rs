//! Bearer-token authentication (or the same token in a browser's session cookie, [`browser`]): HS256 with a shared secret (`AUTH_JWT_SECRET`) and/or keys from a
//! JWKS endpoint (`AUTH_JWKS_URL`: RS256, ES256, EdDSA). The user id is the token's `sub`.
//!
//! JWKS keys are cached; an unknown `kid` triggers at most one refresh per cooldown, so a flood
//! of forged tokens cannot turn into a flood of requests to the identity provider.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{FromRef, FromRequestParts};
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;

use crate::problem::Problem;

pub mod browser;
mod verified;

pub use verified::{VERIFIED_CAPACITY, VERIFIED_TTL};

/// The shortest HS256 secret accepted, in bytes (RFC 7518 §3.2: at least the hash size).
pub const MIN_SECRET_BYTES: usize = 32;
/// The algorithms a token may be signed with: HS256 with the shared secret, the rest by JWKS keys.
const ACCEPTED: [Algorithm; 4] = [Algorithm::HS256, Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA];
/// How long fetched JWKS keys are trusted before they are fetched again.
const JWKS_TTL: Duration = Duration::from_secs(600);
/// The least time between two refreshes caused by unknown key ids.
const JWKS_REFRESH_COOLDOWN: Duration = Duration::from_secs(30);

/// What configures authentication.
#[derive(Debug, Clone, Default)]
pub struct AuthSettings {
    /// HS256 shared secret.
    pub jwt_secret: Option<SecretString>,
    /// JWKS URL for asymmetric keys.
    pub jwks_url: Option<String>,
    /// Required `iss`, when set.
    pub issuer: Option<String>,
    /// Required `aud`, when set.
    pub audience: Option<String>,
}

impl AuthSettings {
    /// Reads `AUTH_JWT_SECRET`, `AUTH_JWKS_URL`, `AUTH_ISSUER` and `AUTH_AUDIENCE`.
    pub fn from_env() -> Self {
        use crate::settings::common::{AUTH_AUDIENCE, AUTH_ISSUER, AUTH_JWKS_URL, AUTH_JWT_SECRET};
        Self {
            jwt_secret: AUTH_JWT_SECRET.secret_value(),
            jwks_url: AUTH_JWKS_URL.value(),
            issuer: AUTH_ISSUER.value(),
            audience: AUTH_AUDIENCE.value(),
        }
    }
}

/// Why a token was refused. The message is safe to show the caller.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// No `Authorization: Bearer` header.
    #[error("missing bearer token: send 'Authorization: Bearer <JWT>'")]
    Missing,
    /// The token failed verification.
    #[error("invalid token: {0}")]
    Invalid(String),
    /// The settings cannot work.
    #[error("authentication is misconfigured: {0}")]
    Config(String),
}

/// The claims we read.
#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    exp: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iat: Option<u64>,
    /// The caller's roles (`admin`); absent for an ordinary user.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    roles: Vec<String>,
}

/// Who a verified token names, and the roles it grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The token's `sub`.
    pub user_id: String,
    /// Its `roles` claim (at most 16 kept, each at most 64 characters).
    pub roles: Vec<String>,
}

#[derive(Debug)]
struct JwksCache {
    url: String,
    client: reqwest::Client,
    state: RwLock<JwksState>,
    /// The least time between two fetches.
    cooldown: Duration,
}

#[derive(Debug, Default)]
struct JwksState {
    keys: Option<JwkSet>,
    fetched_at: Option<Instant>,
}

/// Verifies bearer tokens.
pub struct Authenticator {
    secret: Option<DecodingKey>,
    jwks: Option<JwksCache>,
    issuer: Option<String>,
    audience: Option<String>,
    /// The rules for each accepted algorithm, made once: a request only reads them.
    validations: Vec<(Algorithm, Validation)>,
    /// Tokens verified in the last minute ([`verified`]).
    verified: verified::VerifiedTokens,
}

impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret: a decoding key's Debug shows its bytes.
        f.debug_struct("Authenticator")
            .field("hs256", &self.secret.as_ref().map(|_| "(secret set)"))
            .field("jwks_url", &self.jwks.as_ref().map(|j| j.url.as_str()))
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("verified", &self.verified)
            .finish()
    }
}

impl Authenticator {
    /// The same authenticator, refreshing its JWKS for an unknown key id at most once per
    /// `cooldown` (30 s by default): a rotated key is picked up by the first token that uses it
    /// once the cooldown since the last fetch has passed, and a flood of unknown ids costs one
    /// fetch per cooldown.
    #[must_use]
    pub fn with_jwks_refresh_cooldown(mut self, cooldown: Duration) -> Self {
        if let Some(jwks) = &mut self.jwks {
            jwks.cooldown = cooldown;
        }
        self
    }

    /// Builds an authenticator; at least one of secret and JWKS URL must be set.
    ///
    /// # Errors
    /// `AuthError::Config` when nothing is configured or the secret is too short.
    pub fn new(settings: &AuthSettings) -> Result<Self, AuthError> {
        let secret = match &settings.jwt_secret {
            Some(secret) if secret.expose_secret().len() < MIN_SECRET_BYTES => {
                return Err(AuthError::Config(format!(
                    "AUTH_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes"
                )));
            }
            Some(secret) => Some(DecodingKey::from_secret(secret.expose_secret().as_bytes())),
            None => None,
        };
        let jwks = settings.jwks_url.as_ref().map(|url| JwksCache {
            url: url.clone(),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .unwrap_or_default(),
            state: RwLock::new(JwksState::default()),
            cooldown: JWKS_REFRESH_COOLDOWN,
        });
        if secret.is_none() && jwks.is_none() {
            return Err(AuthError::Config("set AUTH_JWT_SECRET or AUTH_JWKS_URL".into()));
        }
        let mut authenticator = Self {
            secret,
            jwks,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            validations: Vec::new(),
            verified: verified::VerifiedTokens::default(),
        };
        authenticator.validations = ACCEPTED
            .iter()
            .map(|algorithm| (*algorithm, authenticator.rules(*algorithm)))
            .collect();
        Ok(authenticator)
    }

    /// The rules a token signed with `algorithm` must meet.
    fn rules(&self, algorithm: Algorithm) -> Validation {
        let mut validation = Validation::new(algorithm);
        validation.leeway = 30;
        // A configured issuer or audience must be in the token: jsonwebtoken checks them only
        // when present unless they are required.
        let mut required = vec!["exp", "sub"];
        required.extend(self.issuer.as_ref().map(|_| "iss"));
        required.extend(self.audience.as_ref().map(|_| "aud"));
        validation.set_required_spec_claims(&required);
        // A token not valid yet is refused like an expired one (jsonwebtoken skips `nbf` unless asked).
        validation.validate_nbf = true;
        match &self.audience {
            Some(aud) => validation.set_audience(&[aud]),
            None => validation.validate_aud = false,
        }
        if let Some(iss) = &self.issuer {
            validation.set_issuer(&[iss]);
        }
        validation
    }

    /// Verifies a token and returns its user id (`sub`).
    ///
    /// # Errors
    /// `AuthError::Invalid` with the reason when the token is not acceptable.
    pub async fn verify(&self, token: &str) -> Result<String, AuthError> {
        self.verify_claims(token).await.map(|verified| verified.user_id)
    }

    /// Verifies a token and returns its user id and roles.
    ///
    /// # Errors
    /// `AuthError::Invalid` with the reason when the token is not acceptable.
    pub async fn verify_claims(&self, token: &str) -> Result<Verified, AuthError> {
        let now = Instant::now();
        if let Some(verified) = self.verified.get(token, now) {
            return Ok(verified);
        }
        let (verified, exp) = self.verify_signed(token).await?;
        self.verified.keep(token, &verified, exp, now);
        Ok(verified)
    }

    /// Checks `token`'s signature and claims: who it names, and its expiry.
    async fn verify_signed(&self, token: &str) -> Result<(Verified, u64), AuthError> {
        let header = decode_header(token).map_err(|e| AuthError::Invalid(e.to_string()))?;
        let fetched;
        let key = match header.alg {
            Algorithm::HS256 => self
                .secret
                .as_ref()
                .ok_or_else(|| AuthError::Invalid("HS256 tokens are not accepted here".into()))?,
            Algorithm::RS256 | Algorithm::ES256 | Algorithm::EdDSA => {
                let jwks = self
                    .jwks
                    .as_ref()
                    .ok_or_else(|| AuthError::Invalid(format!("{:?} tokens are not accepted here", header.alg)))?;
                fetched = jwks.key_for(header.kid.as_deref()).await?;
                &fetched
            }
            other => return Err(AuthError::Invalid(format!("algorithm {other:?} is not accepted"))),
        };
        let rules = self
            .validations
            .iter()
            .find_map(|(algorithm, rules)| (*algorithm == header.alg).then_some(rules))
            .ok_or_else(|| AuthError::Invalid(format!("algorithm {:?} is not accepted", header.alg)))?;
        let data = decode::<Claims>(token, key, rules).map_err(|e| AuthError::Invalid(e.to_string()))?;
        let sub = data.claims.sub.trim();
        if sub.is_empty() || sub.len() > 255 {
            return Err(AuthError::Invalid("the token's sub must be 1 to 255 characters".into()));
        }
        let roles = data
            .claims
            .roles
            .iter()
            .filter(|r| !r.is_empty() && r.len() <= 64)
            .take(16)
            .cloned()
            .collect();
        Ok((
            Verified {
                user_id: sub.to_owned(),
                roles,
            },
            data.claims.exp,
        ))
    }
}

impl JwksCache {
    async fn key_for(&self, kid: Option<&str>) -> Result<DecodingKey, AuthError> {
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

/// The issuer and audience a token the platform signs itself must carry to pass its own
/// [`Authenticator`]: where `AUTH_ISSUER` and `AUTH_AUDIENCE` are set, every token needs them,
/// HS256 ones included.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stamp<'a> {
    /// The `iss` claim.
    pub issuer: Option<&'a str>,
    /// The `aud` claim.
    pub audience: Option<&'a str>,
}

impl AuthSettings {
    /// The issuer and audience these settings require of every token.
    pub fn stamp(&self) -> Stamp<'_> {
        Stamp {
            issuer: self.issuer.as_deref(),
            audience: self.audience.as_deref(),
        }
    }
}

/// The claims of a token the platform signs (the decoding side, [`Claims`], takes any `aud`).
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

/// [`mint_hs256_with_roles`] carrying `stamp`'s issuer and audience ([`AuthSettings::stamp`]).
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

/// The authenticated caller. Extracting it rejects the request with 401 problem+json when the
/// bearer token (or session cookie) is missing or invalid, with 403 when a cookie-authenticated
/// write lacks its cross-site proof ([`browser::cross_site_refusal`]), and with 429 when the user's budget is spent
/// ([`crate::limits`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthUser {
    /// The token's `sub`.
    pub user_id: String,
    /// The token's `roles` claim.
    pub roles: Vec<String>,
}

impl AuthUser {
    /// Whether the token grants the `admin` role.
    pub fn is_admin(&self) -> bool {
        self.roles.iter().any(|r| r == ADMIN_ROLE)
    }
}

/// The role that may see everyone's audit trail (a `roles` claim of the token).
pub const ADMIN_ROLE: &str = "admin";

impl<S> FromRequestParts<S> for AuthUser
where
    Arc<Authenticator>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let authenticator = Arc::<Authenticator>::from_ref(state);
        let credential =
            browser::credential(&parts.headers).ok_or_else(|| unauthorized(&AuthError::Missing, "Bearer"))?;
        if let browser::Credential::Cookie(_) = credential
            && let Some(reason) = browser::cross_site_refusal(&parts.method, &parts.headers)
        {
            return Err(Problem::new(
                StatusCode::FORBIDDEN,
                "cross-site",
                "Cross-site request refused",
                reason,
            )
            .into_response());
        }
        let Verified { user_id, roles } = authenticator.verify_claims(credential.token()).await.map_err(|e| {
            tracing::debug!(error = %e, "token refused");
            unauthorized(&e, "Bearer error=\"invalid_token\"")
        })?;
        if let Some(caller) = parts.extensions.get::<crate::audit::Caller>() {
            caller.set(&user_id);
        }
        // The user's budgets: known only now that the token is verified.
        crate::limits::check_request_user(&parts.extensions, &user_id).map_err(IntoResponse::into_response)?;
        Ok(Self { user_id, roles })
    }
}

/// A 401 problem with the `WWW-Authenticate` challenge RFC 6750 asks for.
/// The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), if any.
pub fn bearer_token(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|t| !t.is_empty())
}

fn unauthorized(error: &AuthError, challenge: &'static str) -> Response {
    let mut response = Problem::unauthorized(error.to_string()).into_response();
    response
        .headers_mut()
        .insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_platforms_own_tokens_carry_the_issuer_and_audience_it_requires() {
        let secret = "a-very-secret-signing-key-of-32-bytes-or-more";
        let settings = AuthSettings {
            jwt_secret: Some(SecretString::from(secret)),
            issuer: Some("https://id.example.com/realms/todo".into()),
            audience: Some("evolution-of-todo".into()),
            ..AuthSettings::default()
        };
        let authenticator = Authenticator::new(&settings).unwrap();
        let ttl = Duration::from_secs(60);
        let stamped = mint_hs256_stamped(secret.as_bytes(), "ops", &["admin"], ttl, settings.stamp()).unwrap();
        let verified = authenticator.verify_claims(&stamped).await.unwrap();
        assert_eq!(
            (verified.user_id.as_str(), verified.roles.as_slice()),
            ("ops", &["admin".to_owned()][..])
        );
        let bare = mint_hs256_with_roles(secret.as_bytes(), "ops", &["admin"], ttl).unwrap();
        assert!(authenticator.verify_claims(&bare).await.is_err(), "no iss, no aud");
        let elsewhere = Stamp {
            issuer: Some("https://elsewhere.example.com"),
            audience: Some("evolution-of-todo"),
        };
        let foreign = mint_hs256_stamped(secret.as_bytes(), "ops", &[], ttl, elsewhere).unwrap();
        assert!(authenticator.verify_claims(&foreign).await.is_err(), "another issuer");
    }

    #[test]
    fn neither_the_settings_nor_the_authenticator_show_the_secret() {
        let secret = "a-very-secret-signing-key-of-32-bytes-or-more";
        let settings = AuthSettings {
            jwt_secret: Some(SecretString::from(secret)),
            ..AuthSettings::default()
        };
        let authenticator = Authenticator::new(&settings).unwrap();
        for shown in [
            format!("{settings:?}"),
            format!("{authenticator:?}"),
            format!("{authenticator:#?}"),
        ] {
            assert!(!shown.contains(secret), "{shown}");
            assert!(!shown.contains("a-very-secret"), "{shown}");
        }
    }
}
