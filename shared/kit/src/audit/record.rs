//! One audit record and how it is written.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use serde::Serialize;

/// How a request ended, for the trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Answered (2xx, 3xx).
    Allowed,
    /// No or a bad token (401).
    Unauthenticated,
    /// A token without the right (403).
    Forbidden,
    /// Nothing of the caller's there (404): also what another user's resource answers.
    NotFound,
    /// A budget ran out (429).
    RateLimited,
    /// Refused as asked (any other 4xx: invalid, conflicting, too large).
    Refused,
    /// The server failed (5xx).
    Failed,
}

impl Outcome {
    /// The outcome of an answer with `status`.
    pub fn of_status(status: u16) -> Self {
        match status {
            401 => Self::Unauthenticated,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            429 => Self::RateLimited,
            400..=499 => Self::Refused,
            500.. => Self::Failed,
            _ => Self::Allowed,
        }
    }

    /// Its name in records.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allowed => "allowed",
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::RateLimited => "rate_limited",
            Self::Refused => "refused",
            Self::Failed => "failed",
        }
    }
}

/// Who did what, to what, with which outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditRecord {
    pub at: DateTime<Utc>,
    /// The verified user, `anonymous` when no token was verified.
    pub actor: String,
    /// `request`, or a security event's name (`webhook_secret_shown`, `admin_action`).
    pub event: String,
    pub method: String,
    /// The route template (`/api/tasks/{id}`), or the path when no route matched.
    pub route: String,
    /// The last parameter of the route in the path (`42` of `/api/tasks/42`).
    pub resource_id: Option<String>,
    pub outcome: Outcome,
    pub status: u16,
    pub trace_id: Option<String>,
    pub request_id: Option<String>,
    pub client: Option<IpAddr>,
}

impl AuditRecord {
    /// The record of one request.
    pub fn of_request(
        actor: Option<&str>,
        method: &str,
        route: Option<&str>,
        path: &str,
        status: u16,
        client: Option<IpAddr>,
        request_id: Option<String>,
    ) -> Self {
        Self {
            at: Utc::now(),
            actor: actor.unwrap_or("anonymous").to_owned(),
            event: "request".to_owned(),
            method: method.to_owned(),
            route: route.unwrap_or(path).to_owned(),
            resource_id: route.and_then(|r| resource_id(r, path)),
            outcome: Outcome::of_status(status),
            status,
            trace_id: crate::telemetry::propagation::current_ids().map(|(trace, _)| trace),
            request_id,
            client,
        }
    }

    /// Writes it as a log line at info under target `audit` (the line's own `trace_id` is the
    /// record's when tracing is on).
    pub fn log(&self) {
        tracing::info!(
            target: "audit",
            event = %self.event,
            actor = %self.actor,
            method = %self.method,
            route = %self.route,
            resource_id = self.resource_id.as_deref(),
            outcome = self.outcome.as_str(),
            status = self.status,
            request_id = self.request_id.as_deref(),
            client = self.client.map(|c| c.to_string()),
            "audit"
        );
    }
}

/// The value in `path` of the last `{parameter}` of `route`.
fn resource_id(route: &str, path: &str) -> Option<String> {
    route
        .split('/')
        .zip(path.split('/'))
        .filter(|(template, _)| template.starts_with('{') && template.ends_with('}'))
        .last()
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_resource_is_the_last_parameter_of_the_route() {
        assert_eq!(resource_id("/api/tasks/{id}", "/api/tasks/42"), Some("42".into()));
        assert_eq!(
            resource_id("/api/{user_id}/tasks/{id}/history", "/api/alice/tasks/7/history"),
            Some("7".into())
        );
        assert_eq!(resource_id("/api/tasks", "/api/tasks"), None);
    }

    #[test]
    fn statuses_map_to_outcomes() {
        let outcomes: Vec<Outcome> = [200, 304, 401, 403, 404, 429, 422, 503]
            .map(Outcome::of_status)
            .to_vec();
        assert_eq!(
            outcomes,
            [
                Outcome::Allowed,
                Outcome::Allowed,
                Outcome::Unauthenticated,
                Outcome::Forbidden,
                Outcome::NotFound,
                Outcome::RateLimited,
                Outcome::Refused,
                Outcome::Failed
            ]
        );
    }

    #[test]
    fn an_anonymous_request_is_recorded_as_such_with_its_route() {
        let record = AuditRecord::of_request(None, "GET", Some("/api/tasks/{id}"), "/api/tasks/9", 401, None, None);
        assert_eq!(record.actor, "anonymous");
        assert_eq!(record.route, "/api/tasks/{id}");
        assert_eq!(record.resource_id.as_deref(), Some("9"));
        assert_eq!(record.outcome, Outcome::Unauthenticated);
    }
}
