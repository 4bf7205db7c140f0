//! `GET /api/tasks`: filter, search, sort and page through the caller's tasks.
//!
//! Lists carry an ETag made of the owner's list version (moved by every write) and the query, so
//! a polling client gets `304 Not Modified` until something changes, and task-api serves repeated
//! reads from its list cache once it knows the owner's version (see `list_cache`). Lists that
//! depend on the clock (`overdue=true`) are neither tagged nor cached.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use todo_domain::query::{ListQuery, Page};
use todo_kit::AuthUser;
use todo_kit::limits::Budgets;

use crate::AppState;
use crate::error::ApiError;

/// One page of the caller's tasks.
#[utoipa::path(get, path = "/api/tasks", tag = "tasks",
    params(
        ("q" = Option<String>, Query, description = "Words to find in title and description (each as a prefix, all must match)"),
        ("status" = Option<String>, Query, description = "pending, completed or all"),
        ("priority" = Option<Vec<String>>, Query, description = "Any of these priorities (repeatable or comma-separated)"),
        ("tag" = Option<Vec<String>>, Query, description = "All of these tags (repeatable)"),
        ("due_before" = Option<String>, Query, description = "Due strictly before (RFC 3339)"),
        ("due_after" = Option<String>, Query, description = "Due at or after (RFC 3339)"),
        ("overdue" = Option<bool>, Query, description = "Only pending tasks past their due time"),
        ("has_due" = Option<bool>, Query, description = "Only tasks with (true) or without (false) a due time"),
        ("sort" = Option<String>, Query, description = "due_at, priority, created_at, updated_at or title; '-' prefix for descending"),
        ("limit" = Option<u32>, Query, description = "1 to 200, default 50"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
        ("If-None-Match" = Option<String>, Header, description = "ETag of a list read before: 304 while nothing changed")),
    responses((status = 200, description = "A page", body = Page),
        (status = 304, description = "Nothing changed since the given ETag"),
        (status = 400, description = "Invalid cursor", body = todo_kit::Problem),
        (status = 401, description = "No valid token", body = todo_kit::Problem),
        (status = 422, description = "Invalid parameters, all listed", body = todo_kit::Problem)))]
pub(crate) async fn tasks_index(
    State(state): State<AppState>,
    user: AuthUser,
    budgets: Budgets,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let raw = raw.unwrap_or_default();
    let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.as_bytes()).into_owned().collect();
    // A search reads past the list cache: it spends the costly budget too.
    if pairs.iter().any(|(k, v)| k == "q" && !v.trim().is_empty())
        && let Err(refused) = budgets.charge_costly(&user.user_id)
    {
        return Ok(refused.into_response());
    }
    let query = ListQuery::from_pairs(&pairs, Utc::now())?;
    if query.overdue_at.is_some() {
        let page = state.store.list(&user.user_id, &query).await?;
        return Ok(json_response(serialize(&page)?, None));
    }
    // The version is read before the list, so whatever the list shows is at least this new.
    let version = state.store.list_version(&user.user_id).await?;
    let etag = list_etag(version, &raw);
    if matches_if_none_match(&headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response());
    }
    if let Some(body) = state.list_cache.get(&user.user_id, &raw, version) {
        return Ok(json_response(body, Some(etag)));
    }
    let page = state.store.list(&user.user_id, &query).await?;
    let body = serialize(&page)?;
    state.list_cache.put(&user.user_id, &raw, version, body.clone());
    Ok(json_response(body, Some(etag)))
}

fn serialize(page: &Page) -> Result<Bytes, ApiError> {
    serde_json::to_vec(page)
        .map(Bytes::from)
        .map_err(|e| ApiError::Store(todo_tasks::Error::Corrupt(format!("cannot serialize a page: {e}"))))
}

fn json_response(body: Bytes, etag: Option<HeaderValue>) -> Response {
    let mut response = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        body,
    )
        .into_response();
    if let Some(etag) = etag {
        response.headers_mut().insert(header::ETAG, etag);
    }
    response
}

/// `"l<version>-<hash of the query>"`: one resource per query string, changing with every write.
fn list_etag(version: i64, raw_query: &str) -> HeaderValue {
    let hash = raw_query.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    HeaderValue::from_str(&format!("\"l{version}-{hash:016x}\"")).unwrap_or_else(|_| HeaderValue::from_static("\"l\""))
}

fn matches_if_none_match(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    let Some(value) = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let etag = etag.to_str().unwrap_or_default();
    value
        .split(',')
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == "*" || t == etag)
}
