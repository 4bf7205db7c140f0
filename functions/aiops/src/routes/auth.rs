//! Who may call the routes. Alertmanager and KEDA cannot sign the platform's JWTs, so besides a
//! user's bearer token the routes take the service token `AIOPS_WEBHOOK_TOKEN` (from the Secret
//! both are given); the webhook takes only that one.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::HeaderValue;
use axum::http::header::WWW_AUTHENTICATE;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use secrecy::{ExposeSecret, SecretString};
use todo_kit::{AuthUser, Problem};

use crate::AppState;

/// Whoever called a read or maintenance route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Caller {
    /// A platform user, by the `sub` of their token.
    User(String),
    /// A service holding `AIOPS_WEBHOOK_TOKEN` (Alertmanager, KEDA's metrics-api scaler).
    Service,
}

impl Caller {
    /// For logs: the user id, or `service`.
    pub(crate) fn name(&self) -> &str {
        match self {
            Self::User(id) => id,
            Self::Service => "service",
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if is_service(parts, state.webhook_token.as_deref()) {
            // Named in the audit record like a user.
            if let Some(audited) = parts.extensions.get::<todo_kit::audit::Caller>() {
                audited.set("service:aiops-webhook");
            }
            return Ok(Self::Service);
        }
        AuthUser::from_request_parts(parts, state)
            .await
            .map(|user| Self::User(user.user_id))
    }
}

/// Alertmanager: the caller of the webhook, holding `AIOPS_WEBHOOK_TOKEN`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Alertmanager;

impl FromRequestParts<AppState> for Alertmanager {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(expected) = state.webhook_token.as_deref() else {
            return Err(refused(
                "This endpoint takes no requests: AIOPS_WEBHOOK_TOKEN is not set.",
            ));
        };
        if bearer(parts).is_none() {
            return Err(refused("A bearer token is required."));
        }
        if is_service(parts, Some(expected)) {
            Ok(Self)
        } else {
            Err(refused("The bearer token is not the webhook token."))
        }
    }
}

/// The request's bearer token, if it has one.
fn bearer(parts: &Parts) -> Option<&str> {
    todo_kit::auth::bearer_token(&parts.headers)
}

/// Whether the bearer token is `expected`, compared in time that does not depend on where they
/// differ.
fn is_service(parts: &Parts, expected: Option<&SecretString>) -> bool {
    let (Some(token), Some(expected)) = (bearer(parts), expected) else {
        return false;
    };
    let (given, expected) = (token.as_bytes(), expected.expose_secret().as_bytes());
    given.len() == expected.len() && given.iter().zip(expected).fold(0_u8, |diff, (a, b)| diff | (a ^ b)) == 0
}

/// 401 problem+json with the challenge RFC 6750 asks for.
fn refused(detail: &str) -> Response {
    let mut response = Problem::unauthorized(detail).into_response();
    response
        .headers_mut()
        .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

impl axum::extract::FromRef<AppState> for Arc<todo_kit::Authenticator> {
    fn from_ref(state: &AppState) -> Self {
        state.auth.clone()
    }
}
