//! The HTTP routes: open, read, page, add to and close the caller's sessions. Every route is
//! scoped to the authenticated user; another user's session is a 404 like an unknown one.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use serde::Deserialize;
use serde_json::Value;
use todo_events::EventMetadata;
use todo_kit::paging::Paging;
use todo_kit::{AppJson, AppPath, AuthUser, Problem, RequestContext};

use crate::AppState;
use crate::model::{Message, MessagePage, NewMessage, Session, SessionError};

/// Largest page of messages.
const MAX_PAGE: usize = 200;
/// Page size when `limit` is not given.
const DEFAULT_PAGE: usize = 50;

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/sessions", axum::routing::post(create))
        .route("/api/sessions/{id}", get(show).delete(close))
        .route("/api/sessions/{id}/messages", get(messages).post(append))
        .with_state(state)
}

/// A session error as problem+json: the client can tell "start a new session" (410) from
/// "no such session" (404).
pub(crate) fn problem(error: SessionError) -> Problem {
    match error {
        SessionError::NotFound => Problem::new(
            StatusCode::NOT_FOUND,
            "session-not-found",
            "Session not found",
            "No such session for this user; open one with POST /api/sessions.",
        ),
        SessionError::Expired => Problem::new(
            StatusCode::GONE,
            "session-expired",
            "Session expired",
            "This session ended (idle too long, or closed); open a new one with POST /api/sessions.",
        ),
        SessionError::Invalid(reason) => Problem::validation(reason.clone(), vec![]),
        SessionError::TooLong { chars, max } => Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "message-too-long",
            "Message too long",
            format!("The message has {chars} characters; at most {max} are accepted."),
        ),
        SessionError::Unavailable(reason) => {
            tracing::error!(%reason, "session store unavailable");
            Problem::unavailable("The session store is unavailable; try again shortly.")
        }
        SessionError::Corrupt(reason) => {
            tracing::error!(%reason, "corrupt session data");
            Problem::internal()
        }
    }
}

fn metadata(user: &AuthUser, ctx: &RequestContext) -> EventMetadata {
    EventMetadata {
        correlation_id: ctx.correlation_id.clone(),
        traceparent: ctx.traceparent.clone(),
        user_id: Some(user.user_id.clone()),
        ..EventMetadata::default()
    }
}

/// The body of `POST /api/sessions`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateSession {
    /// What the client tells about itself, e.g. `{"timezone": "Europe/Berlin", "client": "todo-cli"}`.
    #[serde(default)]
    #[schema(value_type = Object)]
    client_info: Option<Value>,
}

/// The `{id}` of a session route.
#[derive(Debug, Deserialize)]
pub(crate) struct SessionPath {
    id: String,
}

/// Opens a session for the caller.
#[utoipa::path(post, path = "/api/sessions", tag = "sessions", request_body = CreateSession,
    responses((status = 201, description = "The new session", body = Session),
        (status = 422, description = "client_info is not an object or too large", body = todo_kit::Problem)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    user: AuthUser,
    ctx: RequestContext,
    AppJson(body): AppJson<CreateSession>,
) -> Result<Response, Problem> {
    let client_info = body
        .client_info
        .unwrap_or_else(|| Value::Object(serde_json::Map::new()));
    let session = state
        .store
        .create(&user.user_id, client_info, &metadata(&user, &ctx), Utc::now())
        .await
        .map_err(problem)?;
    Ok((StatusCode::CREATED, AppJson(session)).into_response())
}

/// One of the caller's live sessions.
#[utoipa::path(get, path = "/api/sessions/{id}", tag = "sessions", params(("id" = String, Path, description = "Session id")),
    responses((status = 200, description = "The session", body = Session),
        (status = 404, description = "No such session", body = todo_kit::Problem),
        (status = 410, description = "The session expired", body = todo_kit::Problem)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<SessionPath>,
) -> Result<AppJson<Session>, Problem> {
    let session = state
        .store
        .get(&user.user_id, &path.id, Utc::now())
        .await
        .map_err(problem)?;
    Ok(AppJson(session))
}

/// Closes a session; it ends with `session.expired`.
#[utoipa::path(delete, path = "/api/sessions/{id}", tag = "sessions", params(("id" = String, Path, description = "Session id")),
    responses((status = 204, description = "Closed"),
        (status = 404, description = "No such session", body = todo_kit::Problem),
        (status = 410, description = "The session already ended", body = todo_kit::Problem)))]
pub(crate) async fn close(
    State(state): State<AppState>,
    user: AuthUser,
    ctx: RequestContext,
    AppPath(path): AppPath<SessionPath>,
) -> Result<StatusCode, Problem> {
    state
        .store
        .delete(&user.user_id, &path.id, &metadata(&user, &ctx), Utc::now())
        .await
        .map_err(problem)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds a message; the session's idle timer starts again.
#[utoipa::path(post, path = "/api/sessions/{id}/messages", tag = "sessions", request_body = NewMessage,
    params(("id" = String, Path, description = "Session id")),
    responses((status = 201, description = "The stored message", body = Message),
        (status = 410, description = "The session expired", body = todo_kit::Problem),
        (status = 413, description = "The message is too long", body = todo_kit::Problem)))]
pub(crate) async fn append(
    State(state): State<AppState>,
    user: AuthUser,
    ctx: RequestContext,
    AppPath(path): AppPath<SessionPath>,
    AppJson(message): AppJson<NewMessage>,
) -> Result<Response, Problem> {
    let stored = state
        .store
        .append(&user.user_id, &path.id, message, &metadata(&user, &ctx), Utc::now())
        .await
        .map_err(problem)?;
    Ok((StatusCode::CREATED, AppJson(stored)).into_response())
}

/// A page of the conversation, oldest first; `before` (a seq) pages back.
#[utoipa::path(get, path = "/api/sessions/{id}/messages", tag = "sessions",
    params(("id" = String, Path, description = "Session id"),
        ("limit" = Option<usize>, Query, description = "1-200, default 50"),
        ("before" = Option<u64>, Query, description = "Only messages with a smaller seq (the next_cursor of the newer page)")),
    responses((status = 200, description = "The messages", body = MessagePage),
        (status = 400, description = "A bad query parameter", body = todo_kit::Problem),
        (status = 410, description = "The session expired", body = todo_kit::Problem)))]
pub(crate) async fn messages(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(path): AppPath<SessionPath>,
    RawQuery(query): RawQuery,
) -> Result<AppJson<MessagePage>, Problem> {
    let (limit, before) = page_query(query.as_deref().unwrap_or_default())?;
    let page = state
        .store
        .messages(&user.user_id, &path.id, before, limit, Utc::now())
        .await
        .map_err(problem)?;
    Ok(AppJson(page))
}

fn page_query(query: &str) -> Result<(usize, Option<u64>), Problem> {
    let paging = Paging {
        default_limit: DEFAULT_PAGE,
        max_limit: MAX_PAGE,
        cursor: "before",
        cursor_rule: "must be a message seq (a whole number)",
    };
    paging.parse(query, |v| v.parse::<u64>().ok())
}
