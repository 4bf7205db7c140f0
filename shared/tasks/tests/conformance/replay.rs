//! Disaster recovery on every store: replaying the events of one store's outbox into an empty
//! store of the same kind gives back the same tasks, history and list versions; replaying them
//! again changes nothing.

use todo_domain::{TaskDraft, TaskPatch};
use todo_events::DomainEvent;
use todo_tasks::store::TaskStore;
use todo_tasks::store::replay::{Replayed, replay, replay_all};

use crate::fixtures::{create, ctx, draft};

/// A day of work of two users: creates with every field events carry, edits, completions, a
/// reopen, a delete and a task made recurring.
async fn work(store: &dyn TaskStore) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..6 {
        let user = if i % 2 == 0 { "alice" } else { "bob" };
        let task = create(
            store,
            user,
            TaskDraft {
                description: Some(format!("about {i}")),
                priority: Some(["low", "medium", "high", "urgent"][i % 4].into()),
                tags: vec![format!("t{i}"), "home".into()],
                due_at: Some("2030-01-02T03:04:05.123456Z".into()),
                ..draft(&format!("task {i}"))
            },
        )
        .await;
        ids.push(task.id);
    }
    let patch = |title: &str| TaskPatch {
        title: Some(title.into()),
        description: Some(None),
        ..TaskPatch::default()
    };
    store
        .update(&ctx("alice"), ids[0], None, patch("renamed"))
        .await
        .expect("update");
    store.complete(&ctx("bob"), ids[1], None).await.expect("complete");
    store.complete(&ctx("alice"), ids[2], None).await.expect("complete");
    store.reopen(&ctx("alice"), ids[2], None).await.expect("reopen");
    store
        .delete(&ctx("bob"), ids[3], None, Some("done elsewhere".into()))
        .await
        .expect("delete");
    let recurring = TaskPatch {
        recurrence: Some(Some("FREQ=WEEKLY;BYDAY=MO".into())),
        ..TaskPatch::default()
    };
    store
        .update(&ctx("alice"), ids[4], None, recurring)
        .await
        .expect("recurring");
    ids
}

async fn events(store: &dyn TaskStore) -> Vec<DomainEvent> {
    store
        .unpublished_outbox(1000)
        .await
        .expect("outbox")
        .iter()
        .map(|row| DomainEvent::from_structured_json(&row.event_json()).expect("event"))
        .collect()
}

async fn same(original: &dyn TaskStore, replayed: &dyn TaskStore, ids: &[i64]) {
    for &id in ids {
        for user in ["alice", "bob"] {
            let a = original.get(user, id).await.ok();
            let b = replayed.get(user, id).await.ok();
            assert_eq!(a, b, "task {id} of {user}");
            if a.is_some() {
                let strip = |h: Vec<todo_domain::HistoryEntry>| {
                    h.into_iter()
                        .map(|e| (e.actor_id, e.action, e.changes, e.version, e.at))
                        .collect::<Vec<_>>()
                };
                assert_eq!(
                    strip(original.history(user, id).await.expect("history")),
                    strip(replayed.history(user, id).await.expect("history")),
                    "history of task {id}"
                );
            }
        }
    }
    for user in ["alice", "bob"] {
        assert_eq!(
            original.list_version(user).await.expect("version"),
            replayed.list_version(user).await.expect("version"),
            "list version of {user}"
        );
    }
}

pub(crate) async fn replaying_an_outbox_into_an_empty_store_rebuilds_it(
    original: &dyn TaskStore,
    empty: &dyn TaskStore,
) {
    let ids = work(original).await;
    let events = events(original).await;
    // The store that wrote them holds them all in its outbox: nothing to put back.
    let outcomes = replay_all(original, &events).await.expect("replay into the original");
    assert!(outcomes.iter().all(|o| *o == Replayed::AlreadyThere), "{outcomes:?}");
    assert!(
        replay_all(empty, &events[..0]).await.expect("nothing").is_empty(),
        "an empty batch"
    );
    for event in &events {
        let outcome = replay(empty, event).await.expect("replay");
        assert_eq!(outcome, Replayed::Applied, "{}", event.event_type());
    }
    same(original, empty, &ids).await;
    assert_eq!(
        empty.pending_count().await.expect("outbox"),
        0,
        "replay writes no event"
    );
    for event in &events {
        let outcome = replay(empty, event).await.expect("replay again");
        assert!(
            matches!(outcome, Replayed::AlreadyThere | Replayed::Missing),
            "{}: {outcome:?}",
            event.event_type()
        );
    }
    same(original, empty, &ids).await;
    // New tasks get ids above every replayed one.
    let next = create(empty, "alice", draft("after the restore")).await;
    assert!(next.id > *ids.iter().max().expect("ids"));
}
