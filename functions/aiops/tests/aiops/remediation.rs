//! Remediation wired into the function: the watch hands open incidents to the engine, dry run
//! executes nothing, auto mode holds a destructive action until a person approves it (the service
//! token may not), approval runs it once through the executor, and every change is published as
//! a `remediation.*` event.

use aiops::source::{Point, Series};
use axum::http::StatusCode;
use chrono::TimeDelta;
use serde_json::{Value, json};
use todo_aiops::remediation::{ALL_TOPICS, Action, Mode};
use todo_events::{EventPayload, Remediation};

use crate::helpers::{
    STEP, ScriptedSource, TestAiops, WEBHOOK_TOKEN, spawn_on, spawn_remediating, start, steady, user_token,
};

/// aiops in `mode` whose watch has seen notifier start dead-lettering after three quiet hours.
async fn notifier_dead_lettering(mode: Mode) -> TestAiops {
    let source = std::sync::Arc::new(ScriptedSource::default());
    let app = match mode {
        Mode::DryRun => spawn_on(source.clone()),
        Mode::Auto => spawn_remediating(source.clone(), mode),
    };
    source.add(Series::DeadLetterRate, "notifier", steady(0.0, 200, start()));
    app.watch_at(start()).await;
    let failing_at = start() + TimeDelta::seconds(STEP);
    source.add(
        Series::DeadLetterRate,
        "notifier",
        [Point {
            at_ms: failing_at.timestamp_millis(),
            value: 0.6,
        }],
    );
    let report = app.watch_at(failing_at).await;
    assert_eq!(report["incidents_opened"], 1, "{report}");
    app
}

/// The data of every `remediation.*` event published so far, with its type.
async fn remediation_events(app: &TestAiops) -> Vec<(String, Remediation)> {
    app.published()
        .await
        .into_iter()
        .filter_map(|event| {
            let ty = event.event_type().as_str().to_owned();
            match event.payload {
                EventPayload::RemediationProposed(r)
                | EventPayload::RemediationDryRun(r)
                | EventPayload::RemediationAwaitingApproval(r)
                | EventPayload::RemediationApproved(r)
                | EventPayload::RemediationRejected(r)
                | EventPayload::RemediationBlocked(r)
                | EventPayload::RemediationExecuting(r)
                | EventPayload::RemediationExecuted(r)
                | EventPayload::RemediationFailed(r)
                | EventPayload::RemediationVerified(r)
                | EventPayload::RemediationRolledBack(r) => Some((ty, r)),
                _ => None,
            }
        })
        .collect()
}

fn pause_notifier() -> Action {
    Action::PauseConsumer {
        function: "notifier".into(),
        topic: ALL_TOPICS.into(),
    }
}

#[tokio::test]
async fn by_default_remediation_is_a_dry_run_that_executes_nothing() {
    // Arrange + Act
    let app = notifier_dead_lettering(Mode::DryRun).await;
    app.watch_at(start() + TimeDelta::seconds(2 * STEP)).await;

    // Assert
    let (status, actions) = app.get("/api/aiops/actions").await;
    assert_eq!(status, StatusCode::OK);
    let items = actions["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "one action, not one per watch: {actions}");
    assert_eq!(items[0]["status"], "dry_run");
    assert_eq!(items[0]["action"]["kind"], "pause_consumer");
    assert_eq!(items[0]["action"]["function"], "notifier");
    assert!(
        items[0]["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("would have waited for approval"),
        "{actions}"
    );
    assert!(app.executor.executed().is_empty());
    let events = remediation_events(&app).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].0, "remediation.dry_run");
    assert_eq!(events[0].1.status, "dry_run");
}

#[tokio::test]
async fn in_auto_mode_a_pause_waits_for_a_person_and_runs_once_when_approved() {
    // Arrange
    let app = notifier_dead_lettering(Mode::Auto).await;
    let (_, waiting) = app.get("/api/aiops/actions?status=awaiting_approval").await;
    let id = waiting["items"][0]["id"]
        .as_str()
        .expect("an action awaits approval")
        .to_owned();
    assert!(app.executor.executed().is_empty(), "nothing runs before approval");

    // Act
    let (approved_status, approved) = app
        .post(&format!("/api/aiops/actions/{id}/approve"), &user_token())
        .await;
    let (again, conflict) = app
        .post(&format!("/api/aiops/actions/{id}/approve"), &user_token())
        .await;
    app.watch_at(start() + TimeDelta::seconds(2 * STEP)).await;

    // Assert
    assert_eq!(approved_status, StatusCode::OK, "{approved}");
    assert_eq!(approved["status"], "succeeded", "it ran at once: {approved}");
    assert_eq!(approved["decided_by"], "operator");
    assert_eq!(approved["outcome"]["ok"], true);
    assert_eq!(app.executor.executed(), [pause_notifier()], "executed exactly once");
    assert_eq!(again, StatusCode::CONFLICT, "{conflict}");
    assert_eq!(conflict["status"], 409);
    let (_, shown) = app.get(&format!("/api/aiops/actions/{id}")).await;
    assert_eq!(shown["status"], "succeeded");
    let events = remediation_events(&app).await;
    let types: Vec<&str> = events.iter().map(|(ty, _)| ty.as_str()).collect();
    assert_eq!(
        types,
        [
            "remediation.awaiting_approval",
            "remediation.approved",
            "remediation.executing",
            "remediation.executed"
        ]
    );
    assert!(
        events
            .iter()
            .all(|(_, r)| r.action_id == id && r.function == "notifier")
    );
    assert_eq!(events[1].1.actor, "operator");
    assert_eq!(events[3].1.actor, "executor");
    assert_eq!(events[3].1.status, "succeeded");
}

#[tokio::test]
async fn the_service_token_may_read_actions_but_not_decide_them() {
    // Arrange
    let app = notifier_dead_lettering(Mode::Auto).await;
    let (_, actions) = app.get("/api/aiops/actions").await;
    let id = actions["items"][0]["id"].as_str().expect("an action").to_owned();

    // Act
    let (read, _) = app
        .request(axum::http::Method::GET, "/api/aiops/actions", Some(WEBHOOK_TOKEN), None)
        .await;
    let (approve, problem) = app
        .post(&format!("/api/aiops/actions/{id}/approve"), WEBHOOK_TOKEN)
        .await;
    let (reject, _) = app
        .post(&format!("/api/aiops/actions/{id}/reject"), WEBHOOK_TOKEN)
        .await;

    // Assert
    assert_eq!(read, StatusCode::OK);
    assert_eq!(approve, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(reject, StatusCode::FORBIDDEN);
    assert!(
        problem["type"]
            .as_str()
            .unwrap_or_default()
            .ends_with("decision-needs-a-person"),
        "{problem}"
    );
    let (_, still) = app.get(&format!("/api/aiops/actions/{id}")).await;
    assert_eq!(still["status"], "awaiting_approval");
    assert!(app.executor.executed().is_empty());
    let (_, document) = app.get("/api/openapi.json").await;
    let approve = &document["paths"]["/api/aiops/actions/{id}/approve"]["post"]["responses"];
    assert!(approve["403"].is_object() && approve["409"].is_object(), "{approve}");
}

#[tokio::test]
async fn a_rejected_action_never_runs_and_unknown_ones_and_statuses_are_refused() {
    // Arrange
    let app = notifier_dead_lettering(Mode::Auto).await;
    let (_, actions) = app.get("/api/aiops/actions").await;
    let id = actions["items"][0]["id"].as_str().expect("an action").to_owned();

    // Act
    let (rejected_status, rejected) = app
        .post(&format!("/api/aiops/actions/{id}/reject"), &user_token())
        .await;
    let (approve_after, _) = app
        .post(&format!("/api/aiops/actions/{id}/approve"), &user_token())
        .await;
    app.watch_at(start() + TimeDelta::seconds(2 * STEP)).await;
    let (unknown, missing) = app.post("/api/aiops/actions/act-999/approve", &user_token()).await;
    let (unknown_show, _) = app.get("/api/aiops/actions/act-999").await;
    let (bad_status, bad) = app.get("/api/aiops/actions?status=done").await;

    // Assert
    assert_eq!(rejected_status, StatusCode::OK);
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["decided_by"], "operator");
    assert_eq!(approve_after, StatusCode::CONFLICT);
    assert!(app.executor.executed().is_empty());
    assert_eq!(unknown, StatusCode::NOT_FOUND, "{missing}");
    assert_eq!(unknown_show, StatusCode::NOT_FOUND);
    assert_eq!(bad_status, StatusCode::BAD_REQUEST);
    assert_eq!(bad["invalid-params"][0]["name"], "status", "{bad}");
    let events = remediation_events(&app).await;
    assert_eq!(events.last().map(|(ty, _)| ty.as_str()), Some("remediation.rejected"));
}

#[tokio::test]
async fn alerts_of_a_dead_letter_loop_are_acted_on_as_they_arrive() {
    // Arrange: Alertmanager reports analytics failing most events and dead-lettering them.
    let app = spawn_remediating(std::sync::Arc::new(ScriptedSource::default()), Mode::Auto);
    let alert = |name: &str| {
        json!({"status": "firing", "labels": {"alertname": name, "service": "analytics", "severity": "P2"},
            "annotations": {}, "startsAt": "2026-03-14T11:55:00Z", "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "", "fingerprint": name})
    };
    let payload: Value = json!({"version": "4", "groupKey": "analytics", "status": "firing", "receiver": "aiops",
        "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {}, "externalURL": "",
        "alerts": [alert("EventHandlerErrorRatioHigh"), alert("EventsDeadLettered")]});

    // Act
    let (status, answer) = app.alert(&payload).await;

    // Assert: the pause is proposed at once, not at the next watch.
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (_, actions) = app.get("/api/aiops/actions").await;
    assert_eq!(actions["items"][0]["status"], "awaiting_approval", "{actions}");
    assert_eq!(actions["items"][0]["action"]["function"], "analytics");
    assert_eq!(actions["items"][0]["playbook"], "pause-analytics-dead-letter-loop");
}
