//! `POST /api/chat`: one message in, the reply and what was done out. Problems the client can act
//! on: 413 (message too long), 404/410 (the session is unknown or over: send without
//! `session_id` to start a new one), 503 (a peer is down).

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use todo_kit::resilience::Forwarded;
use todo_kit::{AppJson, AuthUser, Problem, RequestContext};

use crate::AppState;
use crate::conversation::{ChatError, ChatRequest, ChatResponse};

/// The header a client may send its IANA time zone in.
pub const TIME_ZONE_HEADER: &str = "x-timezone";

pub(crate) fn router(state: AppState) -> Router {
    // A model call and several tool calls per message: the costly budget.
    todo_kit::limits::expensive(Router::new().route("/api/chat", post(chat)).with_state(state))
}

fn problem(error: ChatError) -> Problem {
    match error {
        ChatError::TooLong(detail) => Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "message-too-long",
            "Message too long",
            detail,
        ),
        ChatError::Invalid(detail) => Problem::validation(detail, vec![]),
        ChatError::SessionNotFound => Problem::new(
            StatusCode::NOT_FOUND,
            "session-not-found",
            "Session not found",
            "No such session for this user; send the message without session_id to start a new one.",
        ),
        ChatError::SessionExpired => Problem::new(
            StatusCode::GONE,
            "session-expired",
            "Session expired",
            "This session ended; send the message without session_id to start a new one.",
        ),
        ChatError::Unavailable(reason) => {
            tracing::warn!(%reason, "chat peer unavailable");
            Problem::unavailable("The chat service cannot reach its sessions right now; try again shortly.")
        }
    }
}

/// Answers a message in natural language, acting on the caller's tasks.
#[utoipa::path(post, path = "/api/chat", tag = "chat", request_body = ChatRequest,
    params(("x-timezone" = Option<String>, Header, description = "IANA time zone for dates, when the session has none")),
    responses((status = 200, description = "The reply", body = ChatResponse),
        (status = 404, description = "Unknown session", body = todo_kit::Problem),
        (status = 410, description = "The session expired", body = todo_kit::Problem),
        (status = 413, description = "The message is longer than 2,000 characters", body = todo_kit::Problem)))]
pub(crate) async fn chat(
    State(state): State<AppState>,
    user: AuthUser,
    ctx: RequestContext,
    headers: HeaderMap,
    AppJson(request): AppJson<ChatRequest>,
) -> Result<AppJson<ChatResponse>, Problem> {
    // The caller's own token goes on to task-api and session-api as a bearer, whether it came as
    // one or in a browser's session cookie.
    let bearer = todo_kit::auth::browser::credential(&headers).map(|c| c.token().into());
    let fwd = Forwarded {
        bearer,
        correlation_id: ctx.correlation_id.clone().or(ctx.request_id.clone()),
        traceparent: ctx.traceparent.clone(),
    };
    let tz = headers.get(TIME_ZONE_HEADER).and_then(|v| v.to_str().ok());
    let response = state
        .chat
        .handle(&user.user_id, &fwd, request, tz)
        .await
        .map_err(problem)?;
    Ok(AppJson(response))
}
