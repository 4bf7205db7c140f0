//! Cases for the scheduler's part of the store: which tasks are owed an announcement, marking one
//! exactly once, and creating a series' next occurrence exactly once.

use chrono::{DateTime, Duration, DurationRound, Utc};
use todo_domain::{PatchField, SeriesPosition, TaskDraft, TaskPatchDraft};
use todo_events::{DomainEvent, EventMetadata, EventPayload, TaskOverdue};
use todo_tasks::store::{DueKind, DueTask, TaskStore};

use crate::fixtures::{create, ctx, draft};

fn now() -> DateTime<Utc> {
    Utc::now().duration_trunc(Duration::seconds(1)).expect("truncate")
}

fn due_in(title: &str, from: DateTime<Utc>, offset: Duration, remind: Option<i64>) -> TaskDraft {
    TaskDraft {
        due_at: Some((from + offset).to_rfc3339()),
        remind_before_minutes: remind,
        ..draft(title)
    }
}

async fn titles(store: &dyn TaskStore, kind: DueKind, at: DateTime<Utc>) -> Vec<String> {
    let mut titles: Vec<String> = store
        .due_tasks(kind, at, 100)
        .await
        .expect("due tasks")
        .into_iter()
        .map(|t| t.title)
        .collect();
    titles.sort();
    titles
}

fn overdue_event(task: &DueTask, at: DateTime<Utc>) -> DomainEvent {
    DomainEvent::new(
        "/functions/scheduler",
        at,
        EventMetadata {
            user_id: Some(task.owner_id.clone()),
            ..EventMetadata::default()
        },
        EventPayload::from(TaskOverdue {
            task_id: task.task_id,
            due_at: task.due_at,
            days_overdue: 0,
        }),
    )
}

async fn outbox_types(store: &dyn TaskStore, task_id: i64) -> Vec<String> {
    store
        .unpublished_outbox(1000)
        .await
        .expect("outbox")
        .into_iter()
        .filter(|r| r.partition_key.as_deref() == Some(task_id.to_string().as_str()))
        .map(|r| r.event_type)
        .collect()
}

pub(crate) async fn due_tasks_are_exactly_the_pending_ones_owed_each_kind(store: &dyn TaskStore) {
    // Arrange
    let at = now();
    create(store, "ann", due_in("soon", at, Duration::minutes(30), None)).await;
    create(
        store,
        "bob",
        due_in("soon with reminder", at, Duration::minutes(30), Some(60)),
    )
    .await;
    create(store, "ann", due_in("later reminder", at, Duration::hours(3), Some(60))).await;
    create(store, "ann", due_in("in two days", at, Duration::days(2), None)).await;
    create(store, "ann", due_in("late", at, -Duration::hours(1), None)).await;
    create(store, "ann", draft("no due date")).await;
    let done = create(store, "ann", due_in("late but done", at, -Duration::hours(2), None)).await;
    store.complete(&ctx("ann"), done.id, None).await.expect("complete");
    let gone = create(store, "ann", due_in("late but deleted", at, -Duration::hours(2), None)).await;
    store.delete(&ctx("ann"), gone.id, None, None).await.expect("delete");

    // Act / Assert
    assert_eq!(
        titles(store, DueKind::DueSoon, at).await,
        ["later reminder", "soon", "soon with reminder"]
    );
    assert_eq!(titles(store, DueKind::Overdue, at).await, ["late"]);
    assert_eq!(titles(store, DueKind::Reminder, at).await, ["soon with reminder"]);
    assert_eq!(
        titles(store, DueKind::Reminder, at + Duration::hours(2)).await,
        ["later reminder"],
        "two hours on, the three-hour task is within its 60-minute reminder and the other is past due"
    );
}

pub(crate) async fn a_mark_is_made_once_and_a_new_due_time_rearms_it(store: &dyn TaskStore) {
    // Arrange
    let at = now();
    let task = create(store, "ann", due_in("late", at, -Duration::hours(1), None)).await;
    let owed = store.due_tasks(DueKind::Overdue, at, 10).await.expect("due");
    assert_eq!(owed.len(), 1);

    // Act
    let first = store
        .mark_due(DueKind::Overdue, &owed[0], at, &[overdue_event(&owed[0], at)])
        .await
        .expect("mark");
    let second = store
        .mark_due(DueKind::Overdue, &owed[0], at, &[overdue_event(&owed[0], at)])
        .await
        .expect("mark again");

    // Assert
    assert!(first && !second);
    assert!(store.due_tasks(DueKind::Overdue, at, 10).await.expect("due").is_empty());
    assert_eq!(outbox_types(store, task.id).await, ["task.created", "task.overdue"]);

    let patch = TaskPatchDraft {
        due_at: PatchField::Value((at - Duration::minutes(10)).to_rfc3339()),
        ..TaskPatchDraft::default()
    };
    store
        .update(&ctx("ann"), task.id, None, patch.validate().expect("patch"))
        .await
        .expect("new due time");
    let owed = store.due_tasks(DueKind::Overdue, at, 10).await.expect("due");
    assert_eq!(owed.len(), 1, "a new due time is announced again");
    assert_eq!(owed[0].due_at, at - Duration::minutes(10));
}

pub(crate) async fn concurrent_marks_of_one_task_make_one_announcement(store: &dyn TaskStore) {
    // Arrange
    let at = now();
    let task = create(store, "ann", due_in("late", at, -Duration::hours(1), None)).await;
    let owed = store.due_tasks(DueKind::Overdue, at, 10).await.expect("due").remove(0);

    // Act
    let marks = (0..8).map(|_| {
        let owed = owed.clone();
        async move {
            store
                .mark_due(DueKind::Overdue, &owed, at, &[overdue_event(&owed, at)])
                .await
                .expect("mark")
        }
    });
    let results = futures_util::future::join_all(marks).await;

    // Assert
    assert_eq!(results.iter().filter(|made| **made).count(), 1);
    assert_eq!(outbox_types(store, task.id).await, ["task.created", "task.overdue"]);
}

pub(crate) async fn a_task_completed_since_the_scan_is_not_announced(store: &dyn TaskStore) {
    // Arrange
    let at = now();
    let task = create(store, "ann", due_in("late", at, -Duration::hours(1), None)).await;
    let owed = store.due_tasks(DueKind::Overdue, at, 10).await.expect("due").remove(0);
    store.complete(&ctx("ann"), task.id, None).await.expect("complete");

    // Act
    let made = store
        .mark_due(DueKind::Overdue, &owed, at, &[overdue_event(&owed, at)])
        .await
        .expect("mark");

    // Assert
    assert!(!made);
    assert_eq!(outbox_types(store, task.id).await, ["task.created", "task.completed"]);
}

pub(crate) async fn an_occurrence_is_created_once_and_shows_its_series(store: &dyn TaskStore) {
    // Arrange
    let at = now();
    let mut daily = due_in("Water the plants", at, Duration::hours(1), None);
    daily.recurrence = Some("FREQ=DAILY".into());
    let first = create(store, "ann", daily.clone()).await;
    assert_eq!((first.series_id, first.occurrence), (Some(first.id), Some(1)));
    let next = TaskDraft {
        due_at: Some((at + Duration::hours(25)).to_rfc3339()),
        ..daily
    }
    .validate()
    .expect("valid");
    let position = SeriesPosition {
        series_id: first.id,
        occurrence: 2,
    };

    // Act
    let attempts = (0..4).map(|_| {
        let next = next.clone();
        async move {
            store
                .create_occurrence(&ctx("ann"), next, position)
                .await
                .expect("create occurrence")
        }
    });
    let created: Vec<_> = futures_util::future::join_all(attempts)
        .await
        .into_iter()
        .flatten()
        .collect();

    // Assert
    assert_eq!(created.len(), 1, "one of four concurrent attempts creates it");
    let second = store.get("ann", created[0].id).await.expect("read back");
    assert_eq!((second.series_id, second.occurrence), (Some(first.id), Some(2)));
    let again = store.get("ann", first.id).await.expect("first");
    assert_eq!((again.series_id, again.occurrence), (Some(first.id), Some(1)));
    assert_eq!(outbox_types(store, second.id).await, ["task.created"]);
    let history = store.history("ann", second.id).await.expect("history");
    assert_eq!(history.len(), 1);
}

pub(crate) async fn a_task_made_recurring_starts_its_own_series(store: &dyn TaskStore) {
    // Arrange
    let task = create(store, "ann", due_in("Stretch", now(), Duration::hours(1), None)).await;
    assert_eq!((task.series_id, task.occurrence), (None, None));
    let patch = TaskPatchDraft {
        recurrence: PatchField::Value("FREQ=DAILY".into()),
        ..TaskPatchDraft::default()
    };

    // Act
    let updated = store
        .update(&ctx("ann"), task.id, None, patch.validate().expect("patch"))
        .await
        .expect("make recurring");

    // Assert
    assert_eq!((updated.series_id, updated.occurrence), (Some(task.id), Some(1)));
    assert_eq!(store.get("ann", task.id).await.expect("read back"), updated);
}
