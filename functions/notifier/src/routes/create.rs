//! `POST /api/webhooks`: checks the body and the target, then stores the subscription. The secret
//! is in this answer only.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use todo_kit::problem::InvalidParam;
use todo_kit::{AppJson, AuthUser, Problem};

use super::validate::{self, CreateWebhook};
use crate::model::{CreatedSubscription, NewSubscription};
use crate::{AppState, signature, target};

/// Subscribes the caller's endpoint to events.
#[utoipa::path(post, path = "/api/webhooks", tag = "webhooks", request_body = CreateWebhook,
    responses((status = 201, description = "The subscription, with its secret (shown only now)", body = CreatedSubscription),
        (status = 400, description = "A field is invalid, or the target is a refused address", body = todo_kit::Problem),
        (status = 409, description = "The caller already has the most subscriptions allowed", body = todo_kit::Problem)))]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub(crate) async fn webhooks_create(
    State(state): State<AppState>,
    user: AuthUser,
    AppJson(body): AppJson<CreateWebhook>,
) -> Result<Response, Problem> {
    let checked = validate::check(body).map_err(|errors| {
        let mut problem = Problem::bad_request("invalid-webhook", "Some fields cannot be used.");
        problem.invalid_params = errors;
        problem
    })?;
    target::check(&checked.url, state.settings.allow_private_targets)
        .await
        .map_err(|reason| {
            let mut problem = Problem::bad_request("webhook-target-refused", format!("The URL {reason}."));
            problem.invalid_params = vec![InvalidParam {
                name: "url".into(),
                reason,
            }];
            problem
        })?;
    let secret = checked
        .secret
        .map_or_else(signature::generate_secret, |s| s.expose().to_owned());
    let new = NewSubscription {
        url: checked.url.to_string(),
        event_types: checked.event_types,
        secret: secret.clone().into(),
        description: checked.description,
    };
    let subscription = state
        .store
        .create_subscription(&user.user_id, &new, state.settings.max_subscriptions, state.clock.now())
        .await
        .map_err(super::problem)?;
    tracing::info!(subscription_id = %subscription.id, "webhook subscription created");
    Ok((
        StatusCode::CREATED,
        // The secret is shown this once: the trail says so.
        axum::Extension(todo_kit::audit::AuditEvent::WEBHOOK_SECRET_SHOWN),
        AppJson(CreatedSubscription {
            subscription,
            secret: secret.into(),
        }),
    )
        .into_response())
}
