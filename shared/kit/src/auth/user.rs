//! The authenticated caller of a request ([`AuthUser`]): the credential it sent (bearer token or
//! session cookie), verified, and the refusals when it cannot be.

use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::{AuthError, Authenticator, Verified, browser};
use crate::problem::Problem;

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

/// A 401 problem with the `WWW-Authenticate` challenge RFC 6750 asks for.
fn unauthorized(error: &AuthError, challenge: &'static str) -> Response {
    let mut response = Problem::unauthorized(error.to_string()).into_response();
    response
        .headers_mut()
        .insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    response
}
