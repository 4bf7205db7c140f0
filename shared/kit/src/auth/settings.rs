//! What configures authentication ([`AuthSettings`], from `AUTH_*`), and the issuer and audience
//! those settings require of every token, the platform's own included ([`Stamp`]).

use secrecy::SecretString;

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

    /// The issuer and audience these settings require of every token.
    pub fn stamp(&self) -> Stamp<'_> {
        Stamp {
            issuer: self.issuer.as_deref(),
            audience: self.audience.as_deref(),
        }
    }
}

/// The issuer and audience a token the platform signs itself must carry to pass its own
/// [`Authenticator`](super::Authenticator): where `AUTH_ISSUER` and `AUTH_AUDIENCE` are set,
/// every token needs them, HS256 ones included.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stamp<'a> {
    /// The `iss` claim.
    pub issuer: Option<&'a str>,
    /// The `aud` claim.
    pub audience: Option<&'a str>,
}
