//! Cases about single tasks: reading, writing, isolation, concurrency, history and outbox.

use chrono::{Duration, Utc};
use serde_json::json;
use todo_domain::query::ListQuery;
use todo_domain::{PatchField, Priority, Status, TaskDraft, TaskPatchDraft};
use todo_events::{DomainEvent, EventPayload};
use todo_tasks::Error;
use todo_tasks::store::TaskStore;

use crate::fixtures::{create, ctx, draft, new_task};

async fn events(store: &dyn TaskStore) -> Vec<DomainEvent> {
    let rows = store.unpublished_outbox(1000).await.expect("outbox");
    rows.iter()
        .map(|r| DomainEvent::from_structured_json(&r.event_json()).expect("valid CloudEvent"))
        .collect()
}

fn patch(draft: TaskPatchDraft) -> todo_domain::TaskPatch {
    draft.validate().expect("valid patch")
}

pub(crate) async fn a_created_task_reads_back_with_every_field(store: &dyn TaskStore) {
    // Arrange
    let due = "2030-05-01T17:30:00+02:00";
    let full = TaskDraft {
        title: "  Buy milk ".into(),
        description: Some("2 litres".into()),
        priority: Some("high".into()),
        tags: vec!["Home".into(), "#errands".into()],
        due_at: Some(due.into()),
        remind_before_minutes: Some(30),
        recurrence: Some("freq=weekly;byday=mo".into()),
    };
    // Act
    let created = create(store, "alice", full).await;
    let read = store.get("alice", created.id).await.expect("get");
    // Assert
    assert_eq!(read, created);
    assert_eq!(read.title, "Buy milk");
    assert_eq!(read.priority, Priority::High);
    assert_eq!(read.tags, ["home", "errands"]);
    assert_eq!(
        read.due_at.map(|d| d.to_rfc3339()),
        Some("2030-05-01T15:30:00+00:00".into())
    );
    assert_eq!(read.recurrence.as_deref(), Some("FREQ=WEEKLY;BYDAY=MO"));
    assert_eq!(read.status, Status::Pending);
    assert_eq!(read.version, 1);
    let history = store.history("alice", created.id).await.expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].action, "created");
    assert_eq!(history[0].changes["title"]["new"], json!("Buy milk"));
    let events = events(store).await;
    assert_eq!(events.len(), 1);
    match &events[0].payload {
        EventPayload::TaskCreated(e) => {
            assert_eq!(e.task_id, created.id);
            assert_eq!(e.tags, ["home", "errands"]);
        }
        other => panic!("expected task.created, got {other:?}"),
    }
    assert_eq!(events[0].metadata.user_id.as_deref(), Some("alice"));
    assert_eq!(events[0].metadata.correlation_id.as_deref(), Some("corr-1"));
}

pub(crate) async fn another_user_can_neither_see_nor_change_a_task(store: &dyn TaskStore) {
    let task = create(store, "alice", draft("private")).await;
    let bob = ctx("bob");
    // The audit trail can tell bob's try at alice's task from a task that does not exist.
    assert!(store.owned_by_another("bob", task.id).await.expect("ownership"));
    assert!(!store.owned_by_another("alice", task.id).await.expect("ownership"));
    assert!(!store.owned_by_another("bob", task.id + 1_000).await.expect("ownership"));
    assert!(matches!(store.get("bob", task.id).await, Err(Error::NotFound(_))));
    assert!(matches!(store.history("bob", task.id).await, Err(Error::NotFound(_))));
    assert!(matches!(
        store
            .update(
                &bob,
                task.id,
                None,
                patch(TaskPatchDraft {
                    title: PatchField::Value("mine".into()),
                    ..Default::default()
                })
            )
            .await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        store.complete(&bob, task.id, None).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        store.reopen(&bob, task.id, None).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        store.delete(&bob, task.id, None, None).await,
        Err(Error::NotFound(_))
    ));
    let bobs = store
        .list("bob", &ListQuery::from_pairs(&[], Utc::now()).expect("query"))
        .await
        .expect("list");
    assert!(bobs.items.is_empty());
    assert_eq!(store.get("alice", task.id).await.expect("still there"), task);
    assert_eq!(events(store).await.len(), 1, "only the creation was published");
}

pub(crate) async fn an_update_bumps_the_version_and_records_history_and_an_event(store: &dyn TaskStore) {
    let task = create(store, "alice", draft("Call mom")).await;
    let change = TaskPatchDraft {
        title: PatchField::Value("Call mom tonight".into()),
        priority: PatchField::Value("urgent".into()),
        tags: PatchField::Value(vec!["family".into()]),
        ..Default::default()
    };
    let updated = store
        .update(&ctx("alice"), task.id, Some(1), patch(change))
        .await
        .expect("update");
    assert_eq!(updated.version, 2);
    assert_eq!(updated.title, "Call mom tonight");
    assert_eq!(store.get("alice", task.id).await.expect("get"), updated);
    let history = store.history("alice", task.id).await.expect("history");
    assert_eq!(
        history.iter().map(|h| h.action.as_str()).collect::<Vec<_>>(),
        ["created", "updated"]
    );
    assert_eq!(
        history[1].changes["title"],
        json!({"old": "Call mom", "new": "Call mom tonight"})
    );
    assert_eq!(history[1].version, 2);
    let events = events(store).await;
    match &events[1].payload {
        EventPayload::TaskUpdated(e) => {
            assert_eq!(e.changed_fields, ["title", "priority", "tags"]);
            assert_eq!(e.old_values["priority"], json!("medium"));
            assert_eq!(e.new_values["priority"], json!("urgent"));
        }
        other => panic!("expected task.updated, got {other:?}"),
    }
}

pub(crate) async fn a_patch_that_changes_nothing_writes_nothing(store: &dyn TaskStore) {
    let task = create(store, "alice", draft("Same")).await;
    let same = store
        .update(
            &ctx("alice"),
            task.id,
            None,
            patch(TaskPatchDraft {
                title: PatchField::Value(" Same ".into()),
                ..Default::default()
            }),
        )
        .await
        .expect("update");
    assert_eq!(same, task);
    assert_eq!(store.history("alice", task.id).await.expect("history").len(), 1);
    assert_eq!(events(store).await.len(), 1);
}

pub(crate) async fn a_stale_version_is_refused_and_changes_nothing(store: &dyn TaskStore) {
    let task = create(store, "alice", draft("v1")).await;
    store
        .update(
            &ctx("alice"),
            task.id,
            Some(1),
            patch(TaskPatchDraft {
                title: PatchField::Value("v2".into()),
                ..Default::default()
            }),
        )
        .await
        .expect("first edit");
    let stale = store
        .update(
            &ctx("alice"),
            task.id,
            Some(1),
            patch(TaskPatchDraft {
                title: PatchField::Value("lost".into()),
                ..Default::default()
            }),
        )
        .await;
    assert!(
        matches!(
            stale,
            Err(Error::VersionConflict {
                expected: 1,
                current: 2,
                ..
            })
        ),
        "{stale:?}"
    );
    assert!(matches!(
        store.complete(&ctx("alice"), task.id, Some(1)).await,
        Err(Error::VersionConflict { .. })
    ));
    assert!(matches!(
        store.delete(&ctx("alice"), task.id, Some(1), None).await,
        Err(Error::VersionConflict { .. })
    ));
    let now = store.get("alice", task.id).await.expect("get");
    assert_eq!(
        (now.title.as_str(), now.version, now.status),
        ("v2", 2, Status::Pending)
    );
    assert_eq!(events(store).await.len(), 2);
}

pub(crate) async fn completing_twice_publishes_one_completion(store: &dyn TaskStore) {
    let task = create(store, "alice", draft("Pay bills")).await;
    let done = store.complete(&ctx("alice"), task.id, None).await.expect("complete");
    let again = store
        .complete(&ctx("alice"), task.id, None)
        .await
        .expect("complete again");
    assert_eq!(done, again);
    assert_eq!(done.status, Status::Completed);
    assert!(done.completed_at.is_some());
    let completions: Vec<_> = events(store)
        .await
        .into_iter()
        .filter(|e| matches!(e.payload, EventPayload::TaskCompleted(_)))
        .collect();
    assert_eq!(completions.len(), 1);
    match &completions[0].payload {
        EventPayload::TaskCompleted(c) => {
            assert_eq!(Some(c.completion_time), done.completed_at);
            assert!(c.time_to_complete >= 0);
        }
        _ => unreachable!(),
    }
}

pub(crate) async fn reopening_clears_completion(store: &dyn TaskStore) {
    let task = create(store, "alice", draft("Again")).await;
    store.complete(&ctx("alice"), task.id, None).await.expect("complete");
    let reopened = store.reopen(&ctx("alice"), task.id, Some(2)).await.expect("reopen");
    assert_eq!(
        (reopened.status, reopened.completed_at, reopened.version),
        (Status::Pending, None, 3)
    );
    let history = store.history("alice", task.id).await.expect("history");
    assert_eq!(history.last().map(|h| h.action.as_str()), Some("reopened"));
    let last = events(store).await.pop().expect("event");
    assert!(matches!(last.payload, EventPayload::TaskUpdated(ref u) if u.changed_fields == ["status", "completed_at"]));
}

pub(crate) async fn deleting_hides_the_task_and_publishes_the_reason(store: &dyn TaskStore) {
    let task = create(store, "alice", draft("Meeting")).await;
    store
        .delete(&ctx("alice"), task.id, None, Some("cancelled".into()))
        .await
        .expect("delete");
    assert!(matches!(store.get("alice", task.id).await, Err(Error::NotFound(_))));
    assert!(matches!(
        store.delete(&ctx("alice"), task.id, None, None).await,
        Err(Error::NotFound(_))
    ));
    let list = store
        .list("alice", &ListQuery::from_pairs(&[], Utc::now()).expect("query"))
        .await
        .expect("list");
    assert!(list.items.is_empty());
    let last = events(store).await.pop().expect("event");
    assert!(
        matches!(last.payload, EventPayload::TaskDeleted(ref d) if d.deletion_reason.as_deref() == Some("cancelled") && d.task_id == task.id)
    );
}

pub(crate) async fn a_reminder_without_due_date_is_refused_on_update(store: &dyn TaskStore) {
    let task = create(store, "alice", draft("No due")).await;
    let result = store
        .update(
            &ctx("alice"),
            task.id,
            None,
            patch(TaskPatchDraft {
                remind_before_minutes: PatchField::Value(10),
                ..Default::default()
            }),
        )
        .await;
    match result {
        Err(Error::Validation(errors)) => assert_eq!(errors.as_slice()[0].field, "remind_before_minutes"),
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert_eq!(store.get("alice", task.id).await.expect("get").version, 1);
    assert_eq!(events(store).await.len(), 1);
}

pub(crate) async fn concurrent_updates_from_the_same_version_let_exactly_one_win(store: &dyn TaskStore) {
    let task = create(store, "alice", draft("Race")).await;
    let attempts = (0..8).map(|i| {
        let change = patch(TaskPatchDraft {
            title: PatchField::Value(format!("writer {i}")),
            ..Default::default()
        });
        async move { store.update(&ctx("alice"), task.id, Some(1), change).await }
    });
    let results = futures_join_all(attempts).await;
    let wins = results.iter().filter(|r| r.is_ok()).count();
    let conflicts = results
        .iter()
        .filter(|r| matches!(r, Err(Error::VersionConflict { .. })))
        .count();
    assert_eq!((wins, conflicts), (1, 7), "{results:?}");
    assert_eq!(store.get("alice", task.id).await.expect("get").version, 2);
    assert_eq!(events(store).await.len(), 2);
}

pub(crate) async fn concurrent_changes_without_if_match_are_all_applied(store: &dyn TaskStore) {
    let task = create(store, "alice", draft("Many hands")).await;
    let alice = ctx("alice");
    let rename = store.update(
        &alice,
        task.id,
        None,
        patch(TaskPatchDraft {
            title: PatchField::Value("Renamed".into()),
            ..Default::default()
        }),
    );
    let tag = store.update(
        &alice,
        task.id,
        None,
        patch(TaskPatchDraft {
            priority: PatchField::Value("high".into()),
            ..Default::default()
        }),
    );
    let complete = store.complete(&alice, task.id, None);
    let (renamed, tagged, completed) = tokio::join!(rename, tag, complete);
    assert!(renamed.is_ok() && tagged.is_ok() && completed.is_ok());
    let now = store.get("alice", task.id).await.expect("get");
    assert_eq!(
        (now.title.as_str(), now.priority, now.status, now.version),
        ("Renamed", Priority::High, Status::Completed, 4)
    );
    assert_eq!(store.history("alice", task.id).await.expect("history").len(), 4);
    assert_eq!(events(store).await.len(), 4);
}

pub(crate) async fn the_list_version_moves_with_every_change_of_the_owner_only(store: &dyn TaskStore) {
    assert_eq!(store.list_version("alice").await.expect("version"), 0);
    let task = create(store, "alice", draft("Versioned")).await;
    let after_create = store.list_version("alice").await.expect("version");
    assert!(after_create > 0);
    store
        .update(
            &ctx("alice"),
            task.id,
            None,
            patch(TaskPatchDraft {
                title: PatchField::Value(" Versioned".into()),
                ..Default::default()
            }),
        )
        .await
        .expect("no-op");
    assert_eq!(
        store.list_version("alice").await.expect("version"),
        after_create,
        "a no-op moves nothing"
    );
    let _ = store.complete(&ctx("alice"), task.id, Some(99)).await;
    assert_eq!(
        store.list_version("alice").await.expect("version"),
        after_create,
        "a refused write moves nothing"
    );
    let mut last = after_create;
    store.complete(&ctx("alice"), task.id, None).await.expect("complete");
    for step in ["reopen", "delete"] {
        let now = store.list_version("alice").await.expect("version");
        assert!(now > last, "before {step}");
        last = now;
        match step {
            "reopen" => drop(store.reopen(&ctx("alice"), task.id, None).await.expect("reopen")),
            _ => store.delete(&ctx("alice"), task.id, None, None).await.expect("delete"),
        }
    }
    assert!(store.list_version("alice").await.expect("version") > last);
    assert_eq!(
        store.list_version("bob").await.expect("version"),
        0,
        "other owners are untouched"
    );
}

/// Creates that arrive together (the PostgreSQL store writes them in shared statements) each get
/// their own task, one history record, one event and one step of their owner's list version.
pub(crate) async fn concurrent_creates_each_write_their_task_history_and_event_once(store: &dyn TaskStore) {
    // Arrange
    let users = ["alice", "bob", "carol"];
    let drafts = (0..90).map(|i| {
        let user = users[i % users.len()];
        let draft = TaskDraft {
            tags: vec![format!("t{i}"), "batch".into()],
            due_at: (i % 2 == 0).then(|| "2030-01-01T10:00:00Z".into()),
            ..draft(&format!("task {i}"))
        };
        (user, draft)
    });
    // Act
    let created =
        futures_join_all(drafts.map(|(user, draft)| async move { (user, create(store, user, draft).await) })).await;
    // Assert
    let ids: std::collections::BTreeSet<i64> = created.iter().map(|(_, task)| task.id).collect();
    assert_eq!(ids.len(), 90, "every create has its own task");
    for (user, task) in &created {
        assert_eq!(&store.get(user, task.id).await.expect("get"), task);
        let history = store.history(user, task.id).await.expect("history");
        let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
        assert_eq!(actions, ["created"], "task {}", task.id);
    }
    let query = ListQuery {
        limit: 200,
        ..ListQuery::from_pairs(&[], Utc::now()).expect("query")
    };
    for user in users {
        assert_eq!(store.list(user, &query).await.expect("list").items.len(), 30, "{user}");
        assert_eq!(store.list_version(user).await.expect("version"), 30, "{user}");
    }
    let mut subjects: Vec<String> = events(store).await.iter().map(DomainEvent::subject).collect();
    subjects.sort();
    let mut expected: Vec<String> = ids.iter().map(|id| format!("task/{id}")).collect();
    expected.sort();
    assert_eq!(subjects, expected, "one task.created per task");
}

/// Runs futures concurrently on the current task (no extra dependency for a join_all).
async fn futures_join_all<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut set = Vec::new();
    for future in futures {
        set.push(Box::pin(future));
    }
    let mut outputs: Vec<Option<F::Output>> = set.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (slot, future) in outputs.iter_mut().zip(set.iter_mut()) {
            if slot.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *slot = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

pub(crate) async fn every_outbox_row_is_a_valid_cloudevent_in_write_order(store: &dyn TaskStore) {
    let a = store.create(&ctx("alice"), new_task("a")).await.expect("a");
    let due = (Utc::now() + Duration::days(1)).to_rfc3339();
    store
        .update(
            &ctx("alice"),
            a.id,
            None,
            patch(TaskPatchDraft {
                due_at: PatchField::Value(due),
                ..Default::default()
            }),
        )
        .await
        .expect("due");
    store.complete(&ctx("alice"), a.id, None).await.expect("complete");
    store.delete(&ctx("alice"), a.id, None, None).await.expect("delete");
    let rows = store.unpublished_outbox(100).await.expect("outbox");
    let types: Vec<&str> = rows.iter().map(|r| r.event_type.as_str()).collect();
    assert_eq!(
        types,
        ["task.created", "task.updated", "task.completed", "task.deleted"]
    );
    for row in &rows {
        assert_eq!(row.topic, "task-events");
        assert_eq!(row.partition_key.as_deref(), Some(a.id.to_string().as_str()));
        assert!(row.published_at.is_none());
        let event = DomainEvent::from_structured_json(&row.event_json()).expect("valid CloudEvent");
        assert_eq!(event.id, row.event_id);
        assert_eq!(event.subject(), format!("task/{}", a.id));
    }
    assert!(rows.windows(2).all(|w| w[0].id < w[1].id));
}
