//! What each action patches in the Knative variant.

use aiops::remediate::Executor;
use aiops::remediate::kube::Platform;
use serde_json::json;
use todo_aiops::remediation::{ALL_TOPICS, Action};

use crate::fake_api::{KAFKASOURCE, KSVC, pause, scale, spawn, the_one_patch};

#[tokio::test]
async fn restart_rolls_a_new_revision_by_stamping_the_template() {
    // Arrange
    let (executor, api) = spawn(Platform::Knative).await;
    // Act
    let outcome = executor
        .execute(&Action::RestartRevision {
            function: "task-api".into(),
        })
        .await;
    // Assert
    assert!(outcome.ok, "{outcome:?}");
    assert!(
        outcome.detail.starts_with("patched ksvc todo/task-api: "),
        "{}",
        outcome.detail
    );
    let body = the_one_patch(&api, &format!("{KSVC}/task-api"));
    let stamp = json!({"spec": {"template": {"metadata": {"annotations": {"aiops.todo.dev/restarted-at": "2026-03-14T12:00:00Z"}}}}});
    assert_eq!(body, stamp);
    assert_eq!(executor.target(), "kubernetes (knative, todo)");
}

#[tokio::test]
async fn scaling_sets_the_revision_min_scale_both_ways() {
    for (up, from, to) in [(true, 1, 3), (false, 3, 1)] {
        let (executor, api) = spawn(Platform::Knative).await;
        let outcome = executor.execute(&scale("task-api", up, from, to)).await;
        assert!(outcome.ok, "{outcome:?}");
        assert!(outcome.detail.contains("min-scale] = \""), "{}", outcome.detail);
        let body = the_one_patch(&api, &format!("{KSVC}/task-api"));
        let min = &body["spec"]["template"]["metadata"]["annotations"]["autoscaling.knative.dev/min-scale"];
        assert_eq!(*min, json!(to.to_string()));
    }
}

#[tokio::test]
async fn pause_stops_the_kafkasource_consumers_and_resume_gives_them_back_to_keda() {
    // Arrange
    let (executor, api) = spawn(Platform::Knative).await;
    let path = format!("{KAFKASOURCE}/analytics");
    // Act: pause
    let paused = executor.execute(&pause("analytics", ALL_TOPICS, false)).await;
    // Assert
    assert!(paused.ok, "{paused:?}");
    assert!(
        paused.detail.starts_with("patched KafkaSource todo/analytics: "),
        "{}",
        paused.detail
    );
    let body = the_one_patch(&api, &path);
    assert_eq!(
        body,
        json!({"metadata": {"annotations": {"autoscaling.eventing.knative.dev/class": "disabled"}}, "spec": {"consumers": 0}})
    );
    // Act: resume
    let resumed = executor.execute(&pause("analytics", ALL_TOPICS, true)).await;
    // Assert: the class the manifests have, and no consumers field
    assert!(resumed.ok, "{resumed:?}");
    let source = api.object(&path);
    assert_eq!(
        source["metadata"]["annotations"]["autoscaling.eventing.knative.dev/class"],
        "keda.autoscaling.knative.dev"
    );
    assert!(source["spec"].get("consumers").is_none(), "{source}");
}
