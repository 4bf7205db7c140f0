//! `GET /api/audit`: the caller's audit trail, newest first, paged with an opaque cursor. An admin
//! (a token with the `admin` role) sees everyone's, or one actor's with `actor`; anyone else who
//! names an actor other than themselves gets a 403, itself recorded in the trail.

use axum::extract::{RawQuery, State};
use serde::Serialize;
use todo_kit::paging::Paging;
use todo_kit::{AppJson, AuthUser, Problem};

use super::store_problem;
use crate::AppState;
use crate::audit::{AuditCursor, AuditEntry, AuditQuery};

/// Largest page.
const MAX_PAGE: usize = 200;
/// Page size when `limit` is not given.
const DEFAULT_PAGE: usize = 50;

/// One page of the trail.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct AuditPage {
    /// Entries, newest first.
    pub items: Vec<AuditEntry>,
    /// The `cursor` of the next (older) page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// The caller's audit trail (an admin's: everyone's).
#[utoipa::path(get, path = "/api/audit", tag = "audit",
    params(
        ("limit" = Option<usize>, Query, description = "1-200, default 50"),
        ("cursor" = Option<String>, Query, description = "The next_cursor of the previous page"),
        ("actor" = Option<String>, Query, description = "Admins: only this user's entries (anonymous for unauthenticated attempts); others may name only themselves")),
    responses((status = 200, description = "Entries, newest first", body = AuditPage),
        (status = 400, description = "A bad query parameter", body = todo_kit::Problem),
        (status = 401, description = "No valid bearer token", body = todo_kit::Problem),
        (status = 403, description = "Another user's trail, without the admin role", body = todo_kit::Problem)))]
#[tracing::instrument(name = "analytics.audit", skip_all, fields(user_id = %user.user_id))]
pub(crate) async fn audit_trail(
    State(state): State<AppState>,
    user: AuthUser,
    RawQuery(query): RawQuery,
) -> Result<AppJson<AuditPage>, Problem> {
    let (actor, rest) = take_actor(query.as_deref().unwrap_or_default());
    let paging = Paging {
        default_limit: DEFAULT_PAGE,
        max_limit: MAX_PAGE,
        cursor: "cursor",
        cursor_rule: "must be the next_cursor of a previous page",
    };
    let (limit, before) = paging.parse(&rest, parse_cursor)?;
    let actor = match actor {
        Some(actor) if actor != user.user_id && !user.is_admin() => {
            return Err(Problem::new(
                axum::http::StatusCode::FORBIDDEN,
                "forbidden",
                "Forbidden",
                "Only an admin may read another user's audit trail.",
            ));
        }
        Some(actor) => Some(actor),
        None if user.is_admin() => None,
        None => Some(user.user_id.clone()),
    };
    let query = AuditQuery {
        actor,
        before,
        // One more than asked, to know whether a next page exists.
        limit: i64::try_from(limit + 1).unwrap_or(i64::MAX),
    };
    let mut items = state.model.audit(&query).await.map_err(|e| store_problem(&e))?;
    let next_cursor = (items.len() > limit).then(|| {
        items.truncate(limit);
        items.last().map(cursor_of)
    });
    Ok(AppJson(AuditPage {
        items,
        next_cursor: next_cursor.flatten(),
    }))
}

/// The `actor` parameter (percent-decoded) and the rest of the query.
fn take_actor(query: &str) -> (Option<String>, String) {
    let mut actor = None;
    let mut rest = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("actor", value)) => {
                actor = form_urlencoded::parse(format!("a={value}").as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned())
                    .filter(|v| !v.is_empty());
            }
            _ => rest.push(pair),
        }
    }
    (actor, rest.join("&"))
}

/// `{microseconds}.{event id}` of the last entry of a page.
fn cursor_of(entry: &AuditEntry) -> String {
    format!("{}.{}", entry.at.timestamp_micros(), entry.id)
}

fn parse_cursor(text: &str) -> Option<AuditCursor> {
    let (micros, id) = text.split_once('.')?;
    let at = chrono::DateTime::from_timestamp_micros(micros.parse().ok()?)?;
    uuid::Uuid::parse_str(id).ok()?;
    Some(AuditCursor { at, id: id.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_actor_is_taken_out_of_the_query_decoded() {
        assert_eq!(
            take_actor("actor=a%40b&limit=2"),
            (Some("a@b".into()), "limit=2".into())
        );
        assert_eq!(take_actor("limit=2"), (None, "limit=2".into()));
    }

    #[test]
    fn cursors_read_back_and_bad_ones_do_not() {
        let at = chrono::DateTime::from_timestamp_micros(1_733_300_000_123_456).unwrap();
        let id = "0193b2c4-7f1e-7a55-9d2b-3c4d5e6f7a8b";
        let cursor = parse_cursor(&format!("{}.{id}", at.timestamp_micros())).unwrap();
        assert_eq!((cursor.at, cursor.id.as_str()), (at, id));
        assert!(parse_cursor("x.y").is_none());
        assert!(parse_cursor("12.not-a-uuid").is_none());
    }
}
