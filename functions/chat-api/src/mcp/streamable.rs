//! `/mcp`: MCP over streamable HTTP, for agents that reach the platform over the network.
//!
//! Stateless: every POST gets a fresh handler and carries its own bearer token, so nothing ties
//! one request to another user's and any instance (Lambda, Knative) can answer it. The
//! authentication layer verifies the token before rmcp sees the request and hands the handler a
//! [`Caller`] in the request's extensions; task-api then gets that same token.

use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::http::HeaderMap;
use axum::middleware::{self, Next};
use axum::response::Response;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use todo_kit::resilience::Forwarded;
use todo_kit::{AuthUser, Authenticator, RequestContext};

use super::{Caller, McpServer};
use crate::tools::TaskTools;

/// Where the MCP endpoint is mounted.
pub const PATH: &str = "/mcp";

/// The largest JSON-RPC body we read; the standard layers cap bodies at the same size.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// The `/mcp` route: streamable HTTP, `Authorization: Bearer <JWT>` on every request (401
/// problem+json otherwise), tools run as the token's user with the token forwarded to task-api.
pub fn router(tools: TaskTools, auth: Arc<Authenticator>) -> Router {
    let server = McpServer::per_request(tools);
    let config = StreamableHttpServerConfig::default()
        // No sessions: a session would hold a user between requests; each request authenticates.
        .with_legacy_session_mode(false)
        // Plain JSON answers for plain calls; rmcp falls back to SSE only if a call streams.
        .with_json_response(true)
        // rmcp's Host allow-list guards unauthenticated local servers against DNS rebinding. Every
        // request here needs a bearer token a rebinding page cannot have, and the public host
        // names belong to the gateway, so the list would only refuse legitimate requests.
        .disable_allowed_hosts()
        .with_max_request_body_bytes(MAX_BODY_BYTES);
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(NeverSessionManager::default()),
        config,
    );
    Router::new()
        .route_service(PATH, service)
        .route_layer(middleware::from_fn_with_state(auth, authenticate))
}

/// Verifies the bearer token (`AuthUser` answers 401 with `WWW-Authenticate: Bearer`) and puts
/// the [`Caller`] where the handler reads it.
async fn authenticate(user: AuthUser, context: RequestContext, mut request: Request, next: Next) -> Response {
    let caller = Caller {
        user: user.user_id,
        forwarded: Forwarded {
            bearer: bearer(request.headers()).map(Into::into),
            correlation_id: context.correlation_id,
            traceparent: context.traceparent,
        },
    };
    request.extensions_mut().insert(caller);
    next.run(request).await
}

/// The token of an `Authorization: Bearer` header, as `AuthUser` reads it.
fn bearer(headers: &HeaderMap) -> Option<String> {
    todo_kit::auth::bearer_token(headers).map(str::to_owned)
}
