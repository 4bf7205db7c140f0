//! A populated platform database, stores that clean up after themselves, and a dump of every
//! row of every table to compare databases with.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Duration, Utc};
use secrecy::SecretString;
use sqlx::Connection;
use todo_domain::{TaskDraft, TaskPatch, WriteContext};
use todo_events::{DomainEvent, EventMetadata};
use todo_kit::Authenticator;
use todo_kit::auth::AuthSettings;
use todo_kit::handler::EventHandler;
use todo_tasks::store::TaskStore;

/// A store that empties itself when the test ends.
pub(crate) use todo_testing::TestObjectStore as TestStore;

fn ctx(user: &str) -> WriteContext {
    WriteContext::new(user, "/functions/task-api", EventMetadata::default())
}

fn draft(title: &str) -> TaskDraft {
    TaskDraft {
        title: title.into(),
        ..TaskDraft::default()
    }
}

/// The platform's stores on one database, kept open (as a running platform keeps them) while a
/// test backs it up.
pub(crate) struct Platform {
    _tasks: Arc<dyn TaskStore>,
    _analytics: analytics::Analytics,
    _notifier: notifier::Notifier,
}

/// Fills the database at `url` through the platform's own stores and handlers: tasks with
/// history (created, edited, completed, deleted, reopened), a completed recurring task and its
/// next occurrence, due-date announcements, a webhook subscription with queued deliveries, the
/// analytics read model and the idempotency keys of every consumer, and an outbox that is
/// partly published.
pub(crate) async fn populate(url: &str) -> Platform {
    let tasks = todo_tasks::store::connect(url).await.expect("task store");
    let analytics = analytics::connect(url).await.expect("analytics");
    let auth = AuthSettings {
        jwt_secret: Some(SecretString::from("a-test-secret-of-at-least-32-bytes!!")),
        ..AuthSettings::default()
    };
    let auth = Arc::new(Authenticator::new(&auth).expect("auth"));
    let notifier = notifier::connect(url, notifier::Settings::default(), auth)
        .await
        .expect("notifier");
    notifier
        .state
        .store
        .create_subscription(
            "alice",
            &notifier::model::NewSubscription {
                url: "https://hooks.example.com/in".into(),
                event_types: vec!["task.created".into(), "task.completed".into()],
                secret: notifier::signature::generate_secret().into(),
                description: Some("every \"new\" task\tand\nline".into()),
            },
            25,
            Utc::now(),
        )
        .await
        .expect("subscription");

    let alice = ctx("alice");
    let now = Utc::now();
    let milk = tasks
        .create(
            &alice,
            TaskDraft {
                description: Some("2 litres, with a tab\tand a backslash \\ and a newline\n".into()),
                priority: Some("high".into()),
                tags: vec!["shopping".into(), "home".into()],
                due_at: Some((now + Duration::hours(2)).to_rfc3339()),
                remind_before_minutes: Some(30),
                ..draft("Buy milk")
            }
            .validate()
            .expect("valid"),
        )
        .await
        .expect("create");
    tasks
        .update(
            &alice,
            milk.id,
            None,
            TaskPatch {
                title: Some("Buy oat milk".into()),
                tags: Some(vec!["shopping".into()]),
                ..TaskPatch::default()
            },
        )
        .await
        .expect("update");
    let daily = tasks
        .create(
            &alice,
            TaskDraft {
                due_at: Some((now + Duration::hours(1)).to_rfc3339()),
                recurrence: Some("FREQ=DAILY".into()),
                ..draft("Water the plants")
            }
            .validate()
            .expect("valid"),
        )
        .await
        .expect("create recurring");
    tasks.complete(&alice, daily.id, None).await.expect("complete");
    let gone = tasks
        .create(&alice, draft("Duplicate").validate().expect("valid"))
        .await
        .expect("create");
    tasks
        .delete(&alice, gone.id, None, Some("a duplicate".into()))
        .await
        .expect("delete");
    let bob = ctx("bob");
    let report = tasks
        .create(&bob, draft("Write the report — ünïcödé ✓").validate().expect("valid"))
        .await
        .expect("create");
    tasks.complete(&bob, report.id, None).await.expect("complete");
    tasks.reopen(&bob, report.id, None).await.expect("reopen");

    // Due-date announcements (task_due_marks) and the next occurrence of the recurring task.
    scheduler::Announcer::new(tasks.clone())
        .tick(now + Duration::minutes(100))
        .await
        .expect("announce");
    let next: Arc<dyn EventHandler> =
        Arc::new(scheduler::NextOccurrence::new(tasks.clone(), scheduler::system_clock()));
    for event in outbox_events(tasks.as_ref()).await {
        next.handle(&event).await.expect("next occurrence");
    }
    // Every consumer's effects and idempotency keys; a chat session for the per-day counters.
    let session = DomainEvent::new(
        "/functions/session-api",
        now,
        EventMetadata::default(),
        todo_events::EventPayload::SessionCreated(todo_events::payloads::SessionCreated {
            session_id: "s-1".into(),
            user_id: "alice".into(),
            client_info: serde_json::json!({ "agent": "todo-cli" }),
        }),
    );
    analytics.handler.handle(&session).await.expect("analytics session");
    for event in outbox_events(tasks.as_ref()).await {
        analytics.handler.handle(&event).await.expect("analytics");
        notifier.handler.handle(&event).await.expect("notifier");
    }
    // Half the outbox published.
    let leader = tasks.lead().await.expect("lead").expect("the outbox is free");
    let claim = leader.claim(5).await.expect("claim");
    assert_eq!(claim.rows().len(), 5);
    claim.mark_published(Utc::now()).await.expect("mark");
    drop(leader);

    Platform {
        _tasks: tasks,
        _analytics: analytics,
        _notifier: notifier,
    }
}

async fn outbox_events(tasks: &dyn TaskStore) -> Vec<DomainEvent> {
    tasks
        .unpublished_outbox(10_000)
        .await
        .expect("outbox")
        .iter()
        .map(|row| DomainEvent::from_structured_json(&row.event_json()).expect("CloudEvent"))
        .collect()
}

/// Every row of every table at `url`, as text, each table's rows sorted. On PostgreSQL,
/// `_sqlx_migrations` is compared by version, description and checksum (a restore creates it
/// by migrating, at another time); on SQLite everything is compared, since the file is copied.
pub(crate) async fn dump(url: &str) -> BTreeMap<String, Vec<String>> {
    let mut tables = BTreeMap::new();
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
        )
        .fetch_all(&mut conn)
        .await
        .expect("tables");
        for name in names {
            let sql = if name == "_sqlx_migrations" {
                "SELECT (version, description, success, checksum)::text FROM _sqlx_migrations ORDER BY 1".to_owned()
            } else {
                format!("SELECT t::text FROM \"{name}\" t ORDER BY 1")
            };
            let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_all(&mut conn)
                .await
                .expect("rows");
            tables.insert(name, rows);
        }
        conn.close().await.expect("close");
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await.expect("connect");
        let names: Vec<String> =
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .fetch_all(&mut conn)
                .await
                .expect("tables");
        for name in names {
            let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
                .bind(&name)
                .fetch_all(&mut conn)
                .await
                .expect("columns");
            let quoted: Vec<String> = columns.iter().map(|c| format!("quote(\"{c}\")")).collect();
            let sql = format!("SELECT {} FROM \"{name}\" ORDER BY 1", quoted.join(" || ',' || "));
            let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_all(&mut conn)
                .await
                .expect("rows");
            tables.insert(name, rows);
        }
        conn.close().await.expect("close");
    }
    tables
}

/// The names of the tables at `url` (none for a SQLite file that does not exist).
pub(crate) async fn table_names(url: &str) -> Vec<String> {
    if url.starts_with("sqlite://") && !std::path::Path::new(url.trim_start_matches("sqlite://")).exists() {
        return Vec::new();
    }
    dump(url).await.into_keys().collect()
}
