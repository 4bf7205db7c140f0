//! [`Authenticator`]: verifies a token's signature (HS256 with the shared secret, RS256, ES256
//! or EdDSA with a JWKS key) and claims (expiry, not-before, issuer and audience when configured),
//! and yields who it names ([`Verified`]).

use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use super::jwks::JwksCache;
use super::{AuthError, AuthSettings, verified};

/// The shortest HS256 secret accepted, in bytes (RFC 7518 §3.2: at least the hash size).
pub const MIN_SECRET_BYTES: usize = 32;
/// The algorithms a token may be signed with: HS256 with the shared secret, the rest by JWKS keys.
const ACCEPTED: [Algorithm; 4] = [Algorithm::HS256, Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA];

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
        let jwks = settings.jwks_url.as_ref().map(|url| JwksCache::new(url.clone()));
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
