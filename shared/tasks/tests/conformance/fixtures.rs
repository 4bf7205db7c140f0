//! Builders for the conformance cases.

use todo_domain::{NewTask, Task, TaskDraft, WriteContext};
use todo_events::EventMetadata;
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

/// The outbox's leadership, waiting while another relay has it: a PostgreSQL leader's session
/// ends shortly after the leader is dropped, not at once.
pub(crate) async fn lead_when_free(store: &dyn TaskStore) -> Box<dyn todo_tasks::store::OutboxLeader> {
    let started = std::time::Instant::now();
    loop {
        if let Some(leader) = store.lead().await.expect("lead") {
            return leader;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the outbox never became free"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// The oldest pending rows (up to 10), claimed by a new leader.
pub(crate) async fn claim_when_free(store: &dyn TaskStore) -> Box<dyn todo_tasks::store::OutboxClaim> {
    lead_when_free(store).await.claim(10).await.expect("claim")
}
