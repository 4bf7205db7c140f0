//! The read model's rules: the known history's numbers, out-of-order cases one by one, and
//! isolation between users.

use std::collections::BTreeMap;
use std::sync::Arc;

use analytics::range::TimeRange;
use analytics::report::{self, Summary};
use analytics::{Bucket, Metric, ReadModel};
use chrono::{NaiveDate, Utc};
use serde_json::json;
use todo_events::DomainEvent;
use todo_kit::handler::Outcome;

use crate::common::*;

/// Delivers `events` one after another; every one must be handled.
pub(crate) async fn deliver(model: &Arc<dyn ReadModel>, events: &[DomainEvent]) -> Vec<Outcome> {
    let handler = model.handler();
    let mut outcomes = Vec::new();
    for event in events {
        let outcome = handler
            .handle(event)
            .await
            .unwrap_or_else(|e| panic!("{} {} not handled: {e}", event.event_type(), event.id));
        outcomes.push(outcome);
    }
    outcomes
}

/// 2026-03-01 to 2026-03-07, whole days.
pub(crate) fn march_week() -> TimeRange {
    TimeRange::parse(Some("2026-03-01"), Some("2026-03-07"), Utc::now()).expect("a valid range")
}

pub(crate) async fn summary_of(model: &Arc<dyn ReadModel>, user: &str) -> Summary {
    report::summary(model.as_ref(), user, &march_week(), Utc::now())
        .await
        .expect("summary")
}

fn close(actual: Option<f64>, expected: f64) -> bool {
    actual.is_some_and(|a| (a - expected).abs() < 1e-9)
}

fn counts(pairs: &[(&str, i64)]) -> BTreeMap<String, i64> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

/// Alice's numbers of the known history, whatever way it was delivered.
pub(crate) async fn assert_alice_numbers(model: &Arc<dyn ReadModel>) {
    let s = summary_of(model, ALICE).await;
    assert_eq!(
        (s.created, s.completed, s.deleted),
        (7, 3, 2),
        "created, completed, deleted: {s:?}"
    );
    assert!(
        close(s.completion_rate, 3.0 / 7.0),
        "completion rate {:?}",
        s.completion_rate
    );
    assert_eq!(s.median_time_to_complete_seconds, Some(7200.0));
    assert!(
        close(s.p90_time_to_complete_seconds, 70_560.0),
        "p90 {:?}",
        s.p90_time_to_complete_seconds
    );
    assert_eq!((s.open, s.overdue), (3, 1), "open, overdue");
    assert_eq!(
        s.by_priority,
        counts(&[("high", 0), ("low", 1), ("medium", 1), ("urgent", 1)])
    );
    assert_eq!(s.by_tag, counts(&[("errand", 1), ("home", 2), ("work", 1)]));
    assert_eq!((s.sessions, s.messages), (2, 5));
    assert_eq!((s.intents.recognized, s.intents.failed), (4, 1));
    assert!(close(s.intents.failure_rate, 0.2));
    assert_eq!((s.notifications.sent, s.notifications.failed), (3, 1));
    assert!(close(s.notifications.success_rate, 0.75));

    let intents = report::intents(model.as_ref(), ALICE, &march_week())
        .await
        .expect("intents");
    let shares: Vec<_> = intents
        .intents
        .iter()
        .map(|i| (i.intent.as_str(), i.count, i.share))
        .collect();
    assert_eq!(shares, vec![("create_task", 3, 0.75), ("list_tasks", 1, 0.25)]);

    let trend = report::trend(
        model.as_ref(),
        ALICE,
        Metric::TasksCompleted,
        Bucket::Day,
        &march_week(),
    )
    .await
    .expect("trend");
    let values: Vec<i64> = trend.points.iter().map(|p| p.value).collect();
    assert_eq!(values, vec![0, 1, 0, 2, 0, 0, 0], "completions per day");
}

pub(crate) async fn a_known_history_gives_known_numbers(model: Arc<dyn ReadModel>, _url: &str) {
    // Arrange and act
    let outcomes = deliver(&model, &history()).await;

    // Assert
    let done = outcomes.iter().filter(|o| **o == Outcome::Done).count();
    let skipped = outcomes.iter().filter(|o| **o == Outcome::Skipped).count();
    assert_eq!((done, skipped), (APPLIED, SKIPPED));
    assert_alice_numbers(&model).await;
}

pub(crate) async fn trends_fill_every_day_and_week(model: Arc<dyn ReadModel>, _url: &str) {
    deliver(&model, &history()).await;
    let trend = |metric, bucket| {
        let model = model.clone();
        async move {
            report::trend(model.as_ref(), ALICE, metric, bucket, &march_week())
                .await
                .expect("trend")
                .points
                .into_iter()
                .map(|p| (p.start.format("%m-%d").to_string(), p.value))
                .collect::<Vec<_>>()
        }
    };
    let created = trend(Metric::TasksCreated, Bucket::Day).await;
    let days: Vec<(&str, i64)> = created.iter().map(|(d, v)| (d.as_str(), *v)).collect();
    assert_eq!(
        days,
        vec![
            ("03-01", 0),
            ("03-02", 2),
            ("03-03", 2),
            ("03-04", 2),
            ("03-05", 1),
            ("03-06", 0),
            ("03-07", 0)
        ]
    );
    // 2026-03-01 is a Sunday: it belongs to the week of Monday 02-23.
    let weeks = trend(Metric::TasksCreated, Bucket::Week).await;
    assert_eq!(weeks, vec![("02-23".to_owned(), 0), ("03-02".to_owned(), 7)]);
    assert_eq!(trend(Metric::TasksDeleted, Bucket::Week).await[1].1, 2);
    assert_eq!(trend(Metric::Messages, Bucket::Day).await[1], ("03-02".to_owned(), 3));
    assert_eq!(trend(Metric::IntentsRecognized, Bucket::Week).await[1].1, 4);
    assert_eq!(trend(Metric::IntentsFailed, Bucket::Week).await[1].1, 1);
    assert_eq!(trend(Metric::Sessions, Bucket::Week).await[1].1, 2);
    assert_eq!(
        trend(Metric::NotificationsSent, Bucket::Day).await[3],
        ("03-04".to_owned(), 1)
    );
    assert_eq!(trend(Metric::NotificationsFailed, Bucket::Week).await[1].1, 1);
}

pub(crate) async fn a_completion_before_its_creation_still_counts(model: Arc<dyn ReadModel>, _url: &str) {
    deliver(
        &model,
        &[
            completed(ALICE, 1, "02T10:00", 600),
            created(ALICE, 1, "02T09:50", "high", &["a"], None),
        ],
    )
    .await;
    let s = summary_of(&model, ALICE).await;
    assert_eq!((s.created, s.completed, s.open), (1, 1, 0), "{s:?}");
    assert_eq!(s.completion_rate, Some(1.0));
    assert_eq!(s.median_time_to_complete_seconds, Some(600.0));
}

pub(crate) async fn reopening_takes_back_a_completion_even_when_it_arrives_first(
    model: Arc<dyn ReadModel>,
    _url: &str,
) {
    // The reopen, then the creation, then the completion it takes back, then the second completion.
    deliver(
        &model,
        &[
            reopened(ALICE, 4, "03T10:00", "03T09:30"),
            created(ALICE, 4, "03T09:00", "urgent", &[], None),
            completed(ALICE, 4, "03T09:30", 1800),
        ],
    )
    .await;
    let s = summary_of(&model, ALICE).await;
    assert_eq!((s.completed, s.open), (0, 1), "reopened: pending, no completion: {s:?}");
    assert_eq!(s.median_time_to_complete_seconds, None);

    deliver(&model, &[completed(ALICE, 4, "04T09:00", 86_400)]).await;
    let s = summary_of(&model, ALICE).await;
    assert_eq!((s.completed, s.open), (1, 0), "completed again: {s:?}");
    assert_eq!(s.median_time_to_complete_seconds, Some(86_400.0));
}

pub(crate) async fn deleting_a_completed_task_keeps_its_completion(model: Arc<dyn ReadModel>, _url: &str) {
    // The deletion arrives before the completion.
    deliver(
        &model,
        &[
            created(ALICE, 5, "04T10:00", "medium", &["work"], None),
            deleted(ALICE, 5, "05T08:00"),
            completed(ALICE, 5, "04T12:00", 7200),
        ],
    )
    .await;
    let s = summary_of(&model, ALICE).await;
    assert_eq!((s.created, s.completed, s.deleted, s.open), (1, 1, 1, 0), "{s:?}");
    assert_eq!(s.completion_rate, Some(1.0));
    assert!(s.by_tag.is_empty(), "a deleted task has no open tags: {:?}", s.by_tag);
}

pub(crate) async fn priority_and_tag_changes_move_open_tasks_and_stale_ones_lose(
    model: Arc<dyn ReadModel>,
    _url: &str,
) {
    deliver(
        &model,
        &[
            // The newer change arrives first, then the creation, then an older change.
            updated(
                ALICE,
                8,
                "05T12:00",
                json!({"priority": "low", "tags": ["b"]}),
                json!({"priority": "urgent", "tags": ["c", "d"]}),
            ),
            created(ALICE, 8, "05T09:00", "medium", &["a"], Some(at("05T10:00"))),
            updated(
                ALICE,
                8,
                "05T11:00",
                json!({"priority": "medium", "tags": ["a"]}),
                json!({"priority": "low", "tags": ["b"]}),
            ),
            updated(
                ALICE,
                8,
                "05T11:30",
                json!({"due_at": at("05T10:00")}),
                json!({"due_at": null}),
            ),
        ],
    )
    .await;
    let s = summary_of(&model, ALICE).await;
    assert_eq!(
        s.by_priority,
        counts(&[("high", 0), ("low", 0), ("medium", 0), ("urgent", 1)])
    );
    assert_eq!(s.by_tag, counts(&[("c", 1), ("d", 1)]));
    assert_eq!((s.open, s.overdue), (1, 0), "the due date was cleared: {s:?}");
}

pub(crate) async fn other_users_numbers_are_never_visible(model: Arc<dyn ReadModel>, _url: &str) {
    deliver(&model, &history()).await;
    // Bob's task 100 is overdue and has the tag "work"; none of it is Alice's.
    let bob = summary_of(&model, BOB).await;
    assert_eq!((bob.created, bob.open, bob.overdue, bob.completed), (1, 1, 1, 0));
    assert_eq!(bob.by_tag, counts(&[("work", 1)]));
    assert_eq!((bob.sessions, bob.messages), (1, 0));
    assert_eq!((bob.intents.recognized, bob.intents.failed), (0, 2));
    assert_eq!(bob.intents.failure_rate, Some(1.0));
    assert_eq!((bob.notifications.sent, bob.notifications.failed), (0, 1));
    let carol = summary_of(&model, "carol").await;
    assert_eq!((carol.created, carol.open, carol.sessions), (0, 0, 0));
    assert_eq!((carol.completion_rate, carol.intents.failure_rate), (None, None));
    assert_alice_numbers(&model).await;
}

pub(crate) async fn events_without_a_user_or_a_number_are_skipped(model: Arc<dyn ReadModel>, _url: &str) {
    let title_only = updated(ALICE, 1, "02T12:00", json!({"title": "a"}), json!({"title": "b"}));
    let outcomes = deliver(
        &model,
        &[anonymous(9, "02T09:00"), due_soon(ALICE, 1, "02T09:00"), title_only],
    )
    .await;
    assert_eq!(outcomes, vec![Outcome::Skipped; 3]);
    let s = summary_of(&model, ALICE).await;
    assert_eq!((s.created, s.open), (0, 0));
    let day = NaiveDate::from_ymd_opt(2026, 3, 2).expect("a date");
    let trend = report::trend(model.as_ref(), ALICE, Metric::TasksCreated, Bucket::Day, &march_week())
        .await
        .expect("trend");
    assert!(trend.points.iter().all(|p| p.value == 0), "nothing on {day} or any day");
}
