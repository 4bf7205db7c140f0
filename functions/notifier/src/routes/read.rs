//! Listing, showing and deleting the caller's subscriptions (never with their secrets).

use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use todo_kit::{AppJson, AppPath, AuthUser, Problem};

use crate::AppState;
use crate::model::Subscription;

/// The caller's subscriptions.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct SubscriptionList {
    /// Oldest first.
    items: Vec<Subscription>,
}

/// The caller's subscriptions, oldest first.
#[utoipa::path(get, path = "/api/webhooks", tag = "webhooks",
    responses((status = 200, description = "The subscriptions", body = SubscriptionList)))]
pub(crate) async fn webhooks_index(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<AppJson<SubscriptionList>, Problem> {
    let items = state
        .store
        .list_subscriptions(&user.user_id)
        .await
        .map_err(super::problem)?;
    Ok(AppJson(SubscriptionList { items }))
}

/// One of the caller's subscriptions.
#[utoipa::path(get, path = "/api/webhooks/{id}", tag = "webhooks",
    params(("id" = String, Path, description = "Subscription id")),
    responses((status = 200, description = "The subscription", body = Subscription),
        (status = 404, description = "No such subscription", body = todo_kit::Problem)))]
pub(crate) async fn webhooks_show(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(id): AppPath<String>,
) -> Result<AppJson<Subscription>, Problem> {
    let id = super::subscription_id(&id)?;
    state
        .store
        .get_subscription(&user.user_id, id)
        .await
        .map_err(super::problem)?
        .map(AppJson)
        .ok_or_else(super::not_found)
}

/// Deletes one of the caller's subscriptions and its delivery log; pending deliveries are dropped.
#[utoipa::path(delete, path = "/api/webhooks/{id}", tag = "webhooks",
    params(("id" = String, Path, description = "Subscription id")),
    responses((status = 204, description = "Deleted"),
        (status = 404, description = "No such subscription", body = todo_kit::Problem)))]
pub(crate) async fn webhooks_delete(
    State(state): State<AppState>,
    user: AuthUser,
    AppPath(id): AppPath<String>,
) -> Result<StatusCode, Problem> {
    let id = super::subscription_id(&id)?;
    let deleted = state
        .store
        .delete_subscription(&user.user_id, id)
        .await
        .map_err(super::problem)?;
    if deleted {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(super::not_found())
    }
}
