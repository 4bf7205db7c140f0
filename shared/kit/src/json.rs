//! A JSON extractor whose rejections are problem+json, so malformed bodies, wrong types, unknown
//! fields, a missing content type and oversize bodies all get our error format.
//!
//! The body must be a JSON object: serde's derived structs would otherwise also accept an array,
//! filling fields by position, which no client means.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::problem::Problem;

/// `axum::Json` with problem+json rejections.
#[derive(Debug, Clone, Copy, Default)]
pub struct AppJson<T>(pub T);

impl<S, T> FromRequest<S> for AppJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(value) = axum::Json::<serde_json::Value>::from_request(req, state)
            .await
            .map_err(|r| problem_for(&r))?;
        if !value.is_object() {
            return Err(Problem::bad_request("invalid-body", "The body must be a JSON object."));
        }
        serde_json::from_value(value)
            .map(Self)
            .map_err(|e| Problem::bad_request("invalid-body", format!("The JSON body does not fit: {e}")))
    }
}

fn problem_for(rejection: &JsonRejection) -> Problem {
    match rejection {
        JsonRejection::JsonDataError(e) => {
            Problem::bad_request("invalid-body", format!("The JSON body does not fit: {}", e.body_text()))
        }
        JsonRejection::JsonSyntaxError(e) => Problem::bad_request(
            "malformed-json",
            format!("The body is not valid JSON: {}", e.body_text()),
        ),
        JsonRejection::MissingJsonContentType(_) => Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            "Send the body as JSON with 'Content-Type: application/json'.",
        ),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => Problem::payload_too_large(),
        other => Problem::bad_request(
            "unreadable-body",
            format!("The body could not be read: {}", other.body_text()),
        ),
    }
}

impl<T: Serialize> IntoResponse for AppJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `axum::extract::Path` with a problem+json rejection (a path segment that is not UTF-8, say).
#[derive(Debug, Clone, Copy, Default)]
pub struct AppPath<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for AppPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Self(value))
            .map_err(|rejection| {
                Problem::bad_request(
                    "invalid-path",
                    format!("The URL path cannot be read: {}", rejection.body_text()),
                )
            })
    }
}
