//! The scheduler against real task databases (SQLite and PostgreSQL): announcements once per due
//! time with a moved clock, and next occurrences once per completion.

use std::sync::Arc;

use chrono::{DateTime, Duration, DurationRound, Utc};
use scheduler::{Announcer, Clock, ManualClock, NextOccurrence, TickReport};
use todo_domain::{Task, TaskDraft, WriteContext};
use todo_events::{DomainEvent, EventMetadata, EventPayload};
use todo_kit::handler::{EventHandler, Outcome};
use todo_tasks::store::TaskStore;
use todo_testing::TestDatabase;

struct Fixture {
    store: Arc<dyn TaskStore>,
    clock: Arc<ManualClock>,
    _db: TestDatabase,
}

impl Fixture {
    async fn on(db: TestDatabase) -> Self {
        let store = todo_tasks::store::connect(db.url()).await.expect("task store");
        let start = Utc::now().duration_trunc(Duration::seconds(1)).expect("truncate");
        Self {
            store,
            clock: Arc::new(ManualClock::new(start)),
            _db: db,
        }
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    fn clock(&self) -> Arc<dyn Clock> {
        self.clock.clone()
    }

    async fn create(&self, title: &str, due_in: Duration, remind: Option<i64>, rule: Option<&str>) -> Task {
        let draft = TaskDraft {
            title: title.into(),
            due_at: Some((self.now() + due_in).to_rfc3339()),
            remind_before_minutes: remind,
            recurrence: rule.map(str::to_owned),
            ..TaskDraft::default()
        };
        let ctx = WriteContext::new("ann", "/functions/task-api", EventMetadata::default());
        self.store
            .create(&ctx, draft.validate().expect("valid"))
            .await
            .expect("create")
    }

    async fn tick(&self) -> TickReport {
        Announcer::new(self.store.clone()).tick(self.now()).await.expect("tick")
    }

    async fn events(&self) -> Vec<DomainEvent> {
        self.store
            .unpublished_outbox(10_000)
            .await
            .expect("outbox")
            .iter()
            .map(|row| DomainEvent::from_structured_json(&row.event_json()).expect("CloudEvent"))
            .collect()
    }

    async fn types_of(&self, task_id: i64) -> Vec<String> {
        self.events()
            .await
            .iter()
            .filter(|e| e.partition_key() == Some(task_id.to_string()))
            .map(|e| e.event_type().as_str().to_owned())
            .collect()
    }

    /// Completes the task and returns its `task.completed` event, as the bus would deliver it.
    async fn complete(&self, task_id: i64) -> DomainEvent {
        let mut ctx = WriteContext::new("ann", "/functions/task-api", EventMetadata::default());
        ctx.now = self.now();
        self.store.complete(&ctx, task_id, None).await.expect("complete");
        self.events()
            .await
            .into_iter()
            .rfind(|e| matches!(&e.payload, EventPayload::TaskCompleted(c) if c.task_id == task_id))
            .expect("a task.completed event")
    }

    fn next_occurrence(&self) -> NextOccurrence {
        NextOccurrence::new(self.store.clone(), self.clock())
    }

    async fn series(&self, series_id: i64) -> Vec<Task> {
        let page = self
            .store
            .list(
                "ann",
                &todo_domain::query::ListQuery {
                    limit: 200,
                    ..Default::default()
                },
            )
            .await
            .expect("list");
        let mut tasks: Vec<Task> = page
            .items
            .into_iter()
            .filter(|t| t.series_id == Some(series_id))
            .collect();
        tasks.sort_by_key(|t| t.occurrence);
        tasks
    }
}

todo_testing::each_backend! {
    backends {
        on_sqlite => |case| case(Fixture::on(TestDatabase::sqlite()).await).await,
        on_postgres => |case| case(Fixture::on(TestDatabase::postgres().await).await).await,
    }
    cases {
        each_announcement_is_made_once_as_the_clock_moves,
        a_changed_due_time_is_announced_again,
        two_schedulers_ticking_at_once_announce_once,
        completing_a_daily_task_creates_tomorrows_once,
        a_late_completion_skips_the_missed_dates,
        a_series_ends_at_its_count,
    }
}

async fn each_announcement_is_made_once_as_the_clock_moves(f: Fixture) {
    // Arrange
    let task = f
        .create("Call the dentist", Duration::minutes(90), Some(30), None)
        .await;

    // Act / Assert
    assert_eq!(
        f.tick().await,
        TickReport {
            due_soon: 1,
            overdue: 0,
            reminders: 0
        }
    );
    assert_eq!(f.tick().await, TickReport::default(), "nothing twice");
    f.advance(Duration::minutes(61));
    assert_eq!(
        f.tick().await,
        TickReport {
            due_soon: 0,
            overdue: 0,
            reminders: 1
        }
    );
    f.advance(Duration::minutes(30));
    assert_eq!(
        f.tick().await,
        TickReport {
            due_soon: 0,
            overdue: 1,
            reminders: 0
        }
    );
    f.advance(Duration::days(3));
    assert_eq!(f.tick().await, TickReport::default());
    assert_eq!(
        f.types_of(task.id).await,
        ["task.created", "task.due_soon", "task.reminder", "task.overdue"]
    );
    let events = f.events().await;
    let due_soon = events.iter().find_map(|e| match &e.payload {
        EventPayload::TaskDueSoon(d) => Some(d.clone()),
        _ => None,
    });
    assert_eq!(due_soon.map(|d| d.hours_remaining), Some(1.5));
    assert!(events.iter().all(|e| e.metadata.user_id.as_deref() == Some("ann")));
    let reminder = events.iter().find_map(|e| match &e.payload {
        EventPayload::TaskReminder(r) => Some(r.clone()),
        _ => None,
    });
    assert_eq!(
        reminder.map(|r| (r.title, r.remind_before_minutes)),
        Some(("Call the dentist".into(), 30))
    );
}

async fn a_changed_due_time_is_announced_again(f: Fixture) {
    // Arrange
    let task = f.create("Report", Duration::hours(2), None, None).await;
    assert_eq!(f.tick().await.due_soon, 1);

    // Act
    let patch = todo_domain::TaskPatchDraft {
        due_at: todo_domain::PatchField::Value((f.now() + Duration::hours(5)).to_rfc3339()),
        ..Default::default()
    };
    let ctx = WriteContext::new("ann", "/functions/task-api", EventMetadata::default());
    f.store
        .update(&ctx, task.id, None, patch.validate().expect("patch"))
        .await
        .expect("update");

    // Assert
    assert_eq!(f.tick().await.due_soon, 1, "the new due time re-arms due_soon");
    assert_eq!(f.tick().await, TickReport::default());
}

async fn two_schedulers_ticking_at_once_announce_once(f: Fixture) {
    // Arrange
    for i in 0..20 {
        f.create(&format!("task {i}"), Duration::minutes(10 + i), None, None)
            .await;
        f.create(&format!("late {i}"), -Duration::minutes(10 + i), None, None)
            .await;
    }

    // Act
    let (a, b) = tokio::join!(f.tick(), f.tick());

    // Assert
    assert_eq!(a.due_soon + b.due_soon, 20);
    assert_eq!(a.overdue + b.overdue, 20);
    let events = f.events().await;
    let announced = events
        .iter()
        .filter(|e| matches!(e.payload, EventPayload::TaskDueSoon(_) | EventPayload::TaskOverdue(_)))
        .count();
    assert_eq!(announced, 40);
}

async fn completing_a_daily_task_creates_tomorrows_once(f: Fixture) {
    // Arrange
    let first = f
        .create("Water the plants", Duration::hours(2), Some(15), Some("FREQ=DAILY"))
        .await;
    let completed = f.complete(first.id).await;
    let handler = f.next_occurrence();

    // Act
    let outcomes = futures_outcomes(&handler, &completed, 3).await;

    // Assert
    assert_eq!(outcomes.iter().filter(|o| **o == Outcome::Done).count(), 1);
    assert_eq!(
        outcomes.iter().filter(|o| **o == Outcome::Duplicate).count(),
        2,
        "{outcomes:?}"
    );
    let series = f.series(first.id).await;
    assert_eq!(series.len(), 2);
    let next = &series[1];
    assert_eq!(next.occurrence, Some(2));
    assert_eq!(next.due_at, first.due_at.map(|d| d + Duration::days(1)));
    assert_eq!(
        (next.title.as_str(), next.remind_before_minutes),
        ("Water the plants", Some(15))
    );
    assert_eq!(next.recurrence.as_deref(), Some("FREQ=DAILY"));
    let created = f
        .events()
        .await
        .into_iter()
        .rfind(|e| e.partition_key() == Some(next.id.to_string()));
    let created = created.expect("the occurrence's task.created");
    assert_eq!(created.source, "/functions/scheduler");
    assert_eq!(created.metadata.causation_id, Some(completed.id.to_string()));

    // A reopen and a second completion do not make another one.
    let ctx = WriteContext::new("ann", "/functions/task-api", EventMetadata::default());
    f.store.reopen(&ctx, first.id, None).await.expect("reopen");
    let again = f.complete(first.id).await;
    assert_eq!(handler.handle(&again).await, Ok(Outcome::Duplicate));
}

async fn futures_outcomes(handler: &NextOccurrence, event: &DomainEvent, n: usize) -> Vec<Outcome> {
    let runs = (0..n).map(|_| handler.handle(event));
    let mut outcomes = Vec::new();
    for result in futures_util::future::join_all(runs).await {
        outcomes.push(result.expect("handled"));
    }
    outcomes
}

async fn a_late_completion_skips_the_missed_dates(f: Fixture) {
    // Arrange: due in an hour, completed three and a half days later.
    let first = f.create("Stretch", Duration::hours(1), None, Some("FREQ=DAILY")).await;
    f.advance(Duration::hours(84));
    let completed = f.complete(first.id).await;

    // Act
    let outcome = f.next_occurrence().handle(&completed).await;

    // Assert
    assert_eq!(outcome, Ok(Outcome::Done));
    let next = f.series(first.id).await.pop().expect("next");
    assert_eq!(next.occurrence, Some(2));
    assert_eq!(
        next.due_at,
        first.due_at.map(|d| d + Duration::days(4)),
        "the first date after the completion"
    );
}

async fn a_series_ends_at_its_count(f: Fixture) {
    // Arrange
    let first = f
        .create("Pill", Duration::hours(1), None, Some("FREQ=DAILY;COUNT=2"))
        .await;
    let handler = f.next_occurrence();
    let completed = f.complete(first.id).await;
    assert_eq!(handler.handle(&completed).await, Ok(Outcome::Done));
    let second = f.series(first.id).await.pop().expect("second");

    // Act
    let completed = f.complete(second.id).await;
    let outcome = handler.handle(&completed).await;

    // Assert
    assert_eq!(outcome, Ok(Outcome::Skipped));
    assert_eq!(f.series(first.id).await.len(), 2);
}
