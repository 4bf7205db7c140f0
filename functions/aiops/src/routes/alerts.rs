//! `POST /api/aiops/alerts`: Alertmanager's webhook (payload version 4). Each alert becomes a
//! signal for the correlator: firing ones open or join incidents, resolved ones close what their
//! fingerprint opened. Alertmanager re-sends firing alerts every `repeat_interval`; a repeat only
//! refreshes its signal, so retries and repeats are harmless. An incident opened or changed goes to
//! the remediation engine at once, as the watch would take it at its next run.

use axum::extract::State;
use serde::Serialize;
use todo_aiops::correlation::{Change, IncidentStatus, WebhookPayload};
use todo_kit::{AppJson, Problem};

use super::auth::Alertmanager;
use crate::AppState;
use crate::state::Outcome;

/// What the notification changed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct AlertsReceived {
    /// Alerts in the notification.
    alerts: usize,
    /// What they changed.
    #[serde(flatten)]
    outcome: Outcome,
    /// Incidents open now.
    open_incidents: usize,
}

/// Takes an Alertmanager notification.
#[utoipa::path(post, path = "/api/aiops/alerts", tag = "aiops",
    request_body(content = Object, description = "Alertmanager's webhook body, version 4"),
    responses((status = 200, description = "The alerts were taken in", body = AlertsReceived),
        (status = 400, description = "Not an Alertmanager v4 notification", body = todo_kit::Problem),
        (status = 401, description = "The bearer is not AIOPS_WEBHOOK_TOKEN", body = todo_kit::Problem)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(group_key))]
pub(crate) async fn alerts_receive(
    State(state): State<AppState>,
    _sender: Alertmanager,
    AppJson(payload): AppJson<WebhookPayload>,
) -> Result<AppJson<AlertsReceived>, Problem> {
    tracing::Span::current().record("group_key", payload.group_key.as_str());
    if payload.version != "4" {
        return Err(Problem::bad_request(
            "unsupported-webhook-version",
            format!(
                "Only Alertmanager's webhook version 4 is understood, got '{}'.",
                payload.version
            ),
        ));
    }
    let now = state.clock.now();
    let outcome = state.ops.ingest_alerts(&payload, now);
    if !outcome.opened.is_empty()
        || outcome
            .changes
            .iter()
            .any(|c| matches!(c, Change::Updated { .. } | Change::Merged { .. }))
    {
        let open = state.ops.incidents(Some(IncidentStatus::Open));
        state.remediation.follow(&open, now);
        state.remediation.execute_ready().await;
    }
    if let Err(error) = state.ops.flush().await {
        // Recorded all the same; the events go out with the next flush.
        tracing::warn!(%error, "cannot publish the incident events yet");
    }
    let open_incidents = state.ops.incidents(Some(IncidentStatus::Open)).len();
    tracing::info!(
        alerts = payload.alerts.len(),
        opened = outcome.opened.len(),
        resolved = outcome.resolved.len(),
        "alerts received"
    );
    Ok(AppJson(AlertsReceived {
        alerts: payload.alerts.len(),
        outcome,
        open_incidents,
    }))
}
