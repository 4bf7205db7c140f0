//! Who the browser is signed in as (`GET /auth/me`) and signing out (`POST /auth/logout`). The
//! page asks `me` first: a 401 tells it to show its sign-in screen, and how one signs in here.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use todo_kit::AuthUser;
use todo_kit::auth::browser;

use crate::WebState;

/// `GET /auth/me`: `{"user", "sign_in"}`, or a 401 problem that names the way to sign in.
pub(crate) async fn me(State(state): State<WebState>, headers: HeaderMap) -> Response {
    let verified = match browser::credential(&headers) {
        Some(credential) => state.auth.verify(credential.token()).await.ok(),
        None => None,
    };
    match verified {
        Some(user) => (
            [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
            axum::Json(json!({ "user": user, "sign_in": state.sign_in.kind() })),
        )
            .into_response(),
        None => {
            let body = json!({
                "type": "https://evolution-of-todo.dev/problems/unauthorized",
                "title": "Not signed in",
                "status": 401,
                "detail": "Open the sign-in link `todo serve` printed (or run `todo web` for a new one).",
                "sign_in": state.sign_in.kind(),
            });
            (
                StatusCode::UNAUTHORIZED,
                [(header::CONTENT_TYPE, "application/problem+json")],
                body.to_string(),
            )
                .into_response()
        }
    }
}

/// `POST /auth/logout`: forgets the cookies (a write: the cross-site proof is required).
pub(crate) async fn sign_out(user: AuthUser, headers: HeaderMap) -> Response {
    tracing::info!(target: "audit", event = "sign_out", actor = %user.user_id, "signed out");
    let cookies = browser::sign_out_cookies(crate::links::https(&headers));
    crate::with_cookies(StatusCode::NO_CONTENT.into_response(), &cookies)
}
