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
