//! `GET /api/webhooks/{id}/deliveries`: a subscription's delivery log, newest first, paged with
//! an opaque cursor.

use axum::extract::{RawQuery, State};
use todo_kit::paging::Paging;
use todo_kit::{AppJson, AppPath, AuthUser, Problem};
use uuid::Uuid;

use crate::AppState;
use crate::model::DeliveryPage;

/// Largest page.
const MAX_PAGE: usize = 100;
/// Page size when `limit` is not given.
const DEFAULT_PAGE: usize = 20;

/// The delivery log of one of the caller's subscriptions.
#[utoipa::path(get, path = "/api/webhooks/{id}/deliveries", tag = "webhooks",
    params(("id" = String, Path, description = "Subscription id"),
        ("limit" = Option<usize>, Query, description = "1-100, default 20"),
        ("cursor" = Option<String>, Query, description = "The next_cursor of the previous page")),
    responses((status = 200, description = "Deliveries, newest first", body = DeliveryPage),
        (status = 400, description = "A bad query parameter", body = todo_kit::Problem),
        (status = 404, description = "No such subscription", body = todo_kit::Problem)))]
pub(crate) async fn webhooks_deliveries(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(id): AppPath<String>,
    RawQuery(query): RawQuery,
) -> Result<AppJson<DeliveryPage>, Problem> {
    let id = super::subscription_id(&id)?;
    let (limit, cursor) = page_query(query.as_deref().unwrap_or_default())?;
    state
        .store
        .deliveries(&user.user_id, id, limit, cursor)
        .await
        .map_err(super::problem)?
        .map(AppJson)
        .ok_or_else(super::not_found)
}

fn page_query(query: &str) -> Result<(usize, Option<Uuid>), Problem> {
    let paging = Paging {
        default_limit: DEFAULT_PAGE,
        max_limit: MAX_PAGE,
        cursor: "cursor",
        cursor_rule: "must be the next_cursor of a previous page",
    };
    paging.parse(query, |v| Uuid::parse_str(v).ok())
}
