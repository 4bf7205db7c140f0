//! What each action patches in the KEDA variant.

use aiops::remediate::Executor;
use aiops::remediate::kube::Platform;
use serde_json::json;
use todo_aiops::remediation::{ALL_TOPICS, Action};

use crate::fake_api::{DEPLOYMENT, SCALEDOBJECT, pause, scale, spawn, the_one_patch};

#[tokio::test]
async fn restart_annotates_the_deployment_template_as_kubectl_rollout_restart_does() {
    let (executor, api) = spawn(Platform::Keda).await;
    let outcome = executor
        .execute(&Action::RestartRevision {
            function: "task-api".into(),
        })
        .await;
    assert!(outcome.ok, "{outcome:?}");
    assert!(
        outcome.detail.starts_with("patched Deployment todo/task-api: "),
        "{}",
        outcome.detail
    );
    let body = the_one_patch(&api, &format!("{DEPLOYMENT}/task-api"));
    let stamp = json!({"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": "2026-03-14T12:00:00Z"}}}}});
    assert_eq!(body, stamp);
    assert_eq!(executor.target(), "kubernetes (keda, todo)");
}

#[tokio::test]
async fn scaling_sets_the_scaledobject_min_replicas_both_ways() {
    for (up, from, to) in [(true, 1, 2), (false, 2, 1)] {
        let (executor, api) = spawn(Platform::Keda).await;
        let outcome = executor.execute(&scale("task-api", up, from, to)).await;
        assert!(outcome.ok, "{outcome:?}");
        assert_eq!(
            outcome.detail,
            format!("patched ScaledObject todo/task-api: spec.minReplicaCount = {to}")
        );
        let body = the_one_patch(&api, &format!("{SCALEDOBJECT}/task-api"));
        assert_eq!(body, json!({"spec": {"minReplicaCount": to}}));
    }
}

#[tokio::test]
async fn pause_holds_the_consumer_at_zero_and_resume_removes_the_hold() {
    // Arrange
    let (executor, api) = spawn(Platform::Keda).await;
    let path = format!("{SCALEDOBJECT}/analytics-consumer");
    // Act
    let paused = executor.execute(&pause("analytics", ALL_TOPICS, false)).await;
    // Assert
    assert!(paused.ok, "{paused:?}");
    let body = the_one_patch(&api, &path);
    assert_eq!(
        body,
        json!({"metadata": {"annotations": {"autoscaling.keda.sh/paused-replicas": "0"}}})
    );
    // Act
    let resumed = executor.execute(&pause("analytics", ALL_TOPICS, true)).await;
    // Assert: a merge patch with null removes the annotation
    assert!(resumed.ok, "{resumed:?}");
    let last = api.requests().pop().expect("the resume");
    assert_eq!(
        last.body,
        json!({"metadata": {"annotations": {"autoscaling.keda.sh/paused-replicas": null}}})
    );
    assert!(
        api.object(&path)["metadata"]["annotations"]
            .get("autoscaling.keda.sh/paused-replicas")
            .is_none()
    );
}
