//! The audit trail of requests (FR-80): one [`AuditRecord`] for every request that reads or
//! changes data (every `/api/...` and `/mcp` request) and for every refused attempt anywhere
//! (401, 403, 429, 431): who (the verified user, or `anonymous`), what (method, route template
//! and the resource id in the path), the outcome and status, the trace id, the request id and the
//! client address. Each is a JSON log line at info under target `audit` (the log pipeline keeps
//! it; Loki's `{service=~".+"} | json | target="audit"` finds them) and, once [`publish_to`]
//! started the process's publisher, an `audit.recorded` event on `audit-events` (which the
//! archiver keeps and analytics serves at `GET /api/audit`).
//!
//! [`around`] is the first pass of every route's guard in [`crate::layers::standard`], outside the edge
//! limits so that their refusals are recorded too; [`crate::auth::AuthUser`] names the caller
//! through the [`Caller`] slot it finds in the request, so no token is verified twice.

mod publish;
mod record;

use std::future::Future;
use std::sync::{Arc, OnceLock};

use axum::extract::{MatchedPath, Request};
use axum::response::Response;

pub use publish::publish_to;
pub use record::{AuditRecord, Outcome};

use crate::limits::TrustedProxies;

/// A security event a handler names for its request's audit record, as a response extension:
/// `(Extension(AuditEvent::WEBHOOK_SECRET_SHOWN), body)`. Without one the record's event is
/// `request`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditEvent(pub &'static str);

impl AuditEvent {
    /// The answer shows a signing secret (a webhook's, once, at creation).
    pub const WEBHOOK_SECRET_SHOWN: Self = Self("webhook_secret_shown");
    /// An operator's action: a rebuild, an approval or rejection of a remediation.
    pub const ADMIN_ACTION: Self = Self("admin_action");
    /// A request for another user's resource (answered 404, like one that does not exist).
    pub const CROSS_USER_ACCESS: Self = Self("cross_user_access");
}

/// Where [`crate::auth::AuthUser`] leaves the verified user for the audit record.
#[derive(Debug, Clone, Default)]
pub struct Caller(Arc<OnceLock<String>>);

impl Caller {
    /// Names the caller (the first name stays).
    pub fn set(&self, user: &str) {
        let _ = self.0.set(user.to_owned());
    }

    /// The caller, if a token was verified.
    pub fn get(&self) -> Option<&str> {
        self.0.get().map(String::as_str)
    }
}

/// Whether a request to `path` answered `status` is recorded: data routes always, any route when
/// refused.
fn audited(path: &str, status: u16) -> bool {
    let data =
        (path.starts_with("/api/") && path != "/api/openapi.json") || path == "/mcp" || path.starts_with("/mcp/");
    data || matches!(status, 401 | 403 | 429 | 431)
}

/// Runs `inner` on `request` and records the outcome (the first pass of every request, in the
/// guard of [`crate::layers::standard`]; outside the edge, so its refusals are recorded too).
pub(crate) async fn around<F, Fut>(trusted: TrustedProxies, mut request: Request, inner: F) -> Response
where
    F: FnOnce(Request) -> Fut,
    Fut: Future<Output = Response>,
{
    // Nobody to tell (audit lines filtered out and no publisher): the request pays nothing.
    if !publish::active() && !tracing::enabled!(target: "audit", tracing::Level::INFO) {
        return inner(request).await;
    }
    let caller = Caller::default();
    request.extensions_mut().insert(caller.clone());
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let route = request.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned());
    let client = crate::limits::client_ip(&request, trusted);
    let request_id = request
        .headers()
        .get(crate::context::REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let response = inner(request).await;
    let status = response.status().as_u16();
    if audited(&path, status) {
        let mut record = AuditRecord::of_request(
            caller.get(),
            method.as_str(),
            route.as_deref(),
            &path,
            status,
            client,
            request_id,
        );
        if let Some(AuditEvent(event)) = response.extensions().get::<AuditEvent>() {
            (*event).clone_into(&mut record.event);
        }
        record.log();
        publish::offer(&record);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_routes_are_recorded_and_other_routes_only_when_refused() {
        assert!(audited("/api/tasks", 200));
        assert!(audited("/api/tasks/42", 404));
        assert!(audited("/mcp", 200));
        assert!(!audited("/api/openapi.json", 200));
        assert!(!audited("/healthz", 200));
        assert!(!audited("/metrics", 200));
        assert!(audited("/work/watch", 401));
        assert!(audited("/healthz", 429));
    }
}
