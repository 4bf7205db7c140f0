//! Consumers paused on one topic, and the actions that fail: a missing object, a refused patch,
//! a circuit no setting holds.

use aiops::remediate::Executor;
use aiops::remediate::kube::Platform;
use axum::http::Method;
use serde_json::json;
use todo_aiops::remediation::{ALL_TOPICS, Action};

use crate::fake_api::{KAFKASOURCE, KSVC, SCALEDOBJECT, pause, scale, spawn, the_one_patch};

#[tokio::test]
async fn a_consumer_paused_on_its_only_topic_is_checked_then_patched() {
    for (platform, path) in [
        (Platform::Knative, format!("{KAFKASOURCE}/scheduler")),
        (Platform::Keda, format!("{SCALEDOBJECT}/scheduler-consumer")),
    ] {
        let (executor, api) = spawn(platform).await;
        let outcome = executor.execute(&pause("scheduler", "task-events", false)).await;
        assert!(outcome.ok, "{platform}: {outcome:?}");
        let requests = api.requests();
        assert_eq!(requests[0].method, Method::GET, "the topic is checked first");
        assert_eq!(requests[0].path, path);
        the_one_patch(&api, &path);
    }
}

#[tokio::test]
async fn a_pause_of_one_topic_of_a_consumer_reading_several_changes_nothing() {
    for platform in [Platform::Knative, Platform::Keda] {
        let (executor, api) = spawn(platform).await;
        let outcome = executor.execute(&pause("analytics", "task-events", false)).await;
        assert!(!outcome.ok, "{platform}: {outcome:?}");
        assert!(outcome.detail.contains("pauses as a whole"), "{}", outcome.detail);
        assert!(
            api.requests().iter().all(|r| r.method == Method::GET),
            "{platform}: no patch"
        );
    }
}

#[tokio::test]
async fn a_pause_of_a_topic_the_consumer_does_not_read_changes_nothing() {
    for platform in [Platform::Knative, Platform::Keda] {
        // Arrange: topics are prefixed (TOPIC_PREFIX), the objects' are not
        let (executor, api) = spawn(platform).await;
        let executor = executor.with_topic_prefix("staging.");
        // Act
        let outcome = executor.execute(&pause("scheduler", "task-events", false)).await;
        // Assert
        assert!(!outcome.ok, "{platform}: {outcome:?}");
        assert!(
            outcome
                .detail
                .contains("does not read staging.task-events (it reads task-events)"),
            "{}",
            outcome.detail
        );
        assert!(api.requests().iter().all(|r| r.method == Method::GET));
    }
}

#[tokio::test]
async fn a_missing_object_is_a_failed_outcome_that_names_it() {
    for (platform, action, expected) in [
        (
            Platform::Knative,
            Action::RestartRevision {
                function: "nope".into(),
            },
            "no such ksvc todo/nope",
        ),
        (
            Platform::Knative,
            pause("nope", ALL_TOPICS, false),
            "no such KafkaSource todo/nope",
        ),
        (
            Platform::Keda,
            Action::RestartRevision {
                function: "nope".into(),
            },
            "no such Deployment todo/nope",
        ),
        (
            Platform::Keda,
            scale("nope", true, 1, 2),
            "no such ScaledObject todo/nope",
        ),
        // task-api has no consumer Deployment to pause
        (
            Platform::Keda,
            pause("task-api", ALL_TOPICS, false),
            "no such ScaledObject todo/task-api-consumer",
        ),
    ] {
        let (executor, _api) = spawn(platform).await;
        let outcome = executor.execute(&action).await;
        assert!(!outcome.ok, "{platform} {action}: {outcome:?}");
        assert!(
            outcome.detail.starts_with(expected),
            "{platform} {action}: {}",
            outcome.detail
        );
        assert!(
            outcome.detail.contains("not found"),
            "the API's message: {}",
            outcome.detail
        );
    }
}

#[tokio::test]
async fn a_refused_patch_is_a_failed_outcome_with_the_api_message() {
    // Arrange: Knative's webhook refuses a min-scale above max-scale
    let (executor, api) = spawn(Platform::Knative).await;
    let message = "admission webhook \"validation.webhook.serving.knative.dev\" denied the request: \
                   min-scale=6 is greater than max-scale=5";
    let status = json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "message": message,
                        "reason": "BadRequest", "code": 400});
    api.refusals
        .lock()
        .expect("refusals")
        .insert(format!("{KSVC}/task-api"), status);
    // Act
    let outcome = executor.execute(&scale("task-api", true, 5, 6)).await;
    // Assert
    assert!(!outcome.ok, "{outcome:?}");
    assert_eq!(
        outcome.detail,
        format!("the API refused to change ksvc todo/task-api: 400 BadRequest: {message}")
    );
}

#[tokio::test]
async fn a_circuit_no_setting_holds_fails_without_calling_the_api() {
    for platform in [Platform::Knative, Platform::Keda] {
        let (executor, api) = spawn(platform).await;
        let outcome = executor
            .execute(&Action::OpenCircuit {
                function: "task-api".into(),
                dependency: "postgresql".into(),
            })
            .await;
        assert!(!outcome.ok, "{outcome:?}");
        assert!(
            outcome.detail.starts_with("task-api reads no setting"),
            "{}",
            outcome.detail
        );
        assert!(api.requests().is_empty());
    }
}

#[test]
fn the_platform_setting_parses_the_two_variants_only() {
    assert_eq!("knative".parse::<Platform>(), Ok(Platform::Knative));
    assert_eq!("keda".parse::<Platform>(), Ok(Platform::Keda));
    assert!("openshift".parse::<Platform>().is_err());
}
