//! Why a token was refused, or authentication cannot work.

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
