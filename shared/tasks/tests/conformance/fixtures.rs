//! Builders for the conformance cases.

use todo_events::EventMetadata;
use todo_tasks::domain::{NewTask, Task, TaskDraft, WriteContext};
use todo_tasks::store::TaskStore;

pub(crate) fn ctx(user: &str) -> WriteContext {
    WriteContext::new(
        user,
        "/functions/task-api",
        EventMetadata {
            correlation_id: Some("corr-1".into()),
            ..EventMetadata::default()
        },
    )
}

pub(crate) fn draft(title: &str) -> TaskDraft {
    TaskDraft {
        title: title.into(),
        ..TaskDraft::default()
    }
}

pub(crate) fn new_task(title: &str) -> NewTask {
    draft(title).validate().expect("valid draft")
}

pub(crate) async fn create(store: &dyn TaskStore, user: &str, draft: TaskDraft) -> Task {
    store
        .create(&ctx(user), draft.validate().expect("valid draft"))
        .await
        .expect("create")
}

/// The next claim, waiting while the outbox is busy: a dropped claim is rolled back when its
/// connection is next used, so the outbox frees up shortly after, not at once.
pub(crate) async fn claim_when_free(store: &dyn TaskStore) -> Box<dyn todo_tasks::store::OutboxClaim> {
    let started = std::time::Instant::now();
    loop {
        if let Some(claim) = store.claim(10).await.expect("claim") {
            return claim;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the outbox never became free"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
