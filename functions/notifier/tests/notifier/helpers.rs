//! `spawn`: a notifier over a throwaway task database with a manual clock, plus request helpers
//! and a look into the outbox. Set `TEST_LOG=1` to see logs.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::{DateTime, TimeZone, Utc};
use http_body_util::BodyExt;
use notifier::{ManualClock, Notifier, Settings};
use secrecy::SecretString;
use serde_json::Value;
use sqlx::Connection;
use todo_events::{DomainEvent, EventMetadata, EventPayload, TaskCreated};
use todo_kit::Authenticator;
use todo_kit::auth::{AuthSettings, mint_hs256};
use todo_testing::TestDatabase;
use tower::ServiceExt;

/// The HS256 secret the test apps accept.
const SECRET: &str = "notifier-test-secret-of-at-least-32-bytes";

static TRACING: LazyLock<()> = LazyLock::new(|| {
    if std::env::var_os("TEST_LOG").is_some() {
        todo_kit::telemetry::init("notifier-tests");
    }
});

/// Which database the notifier runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    Postgres,
    Sqlite,
}

/// Declares each case of the enclosing module once per backend (`on_postgres::case`,
/// `on_sqlite::case`) with the shared [`todo_testing::each_backend!`]; a case is
/// `async fn case(backend: Backend)`.
macro_rules! on_both {
    ($($cases:tt)*) => {
        todo_testing::each_backend! {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            backends {
                on_postgres => |case| case(crate::helpers::Backend::Postgres).await,
                on_sqlite => |case| case(crate::helpers::Backend::Sqlite).await,
            }
            cases { $($cases)* }
        }
    };
}
pub(crate) use on_both;

/// Test settings: private targets allowed (receivers are on 127.0.0.1), a fast poll.
pub(crate) fn settings() -> Settings {
    Settings {
        allow_private_targets: true,
        timeout: Duration::from_secs(2),
        poll_interval: Duration::from_millis(50),
        ..Settings::default()
    }
}

/// The clock's starting time.
pub(crate) fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0)
        .single()
        .expect("a valid time")
}

/// A notifier on a fresh database.
pub(crate) struct TestNotifier {
    pub(crate) notifier: Notifier,
    pub(crate) clock: Arc<ManualClock>,
    pub(crate) router: Router,
    pub(crate) db: TestDatabase,
}

impl std::fmt::Debug for TestNotifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestNotifier").field("db", &self.db).finish()
    }
}

pub(crate) async fn database(backend: Backend) -> TestDatabase {
    LazyLock::force(&TRACING);
    match backend {
        Backend::Postgres => TestDatabase::postgres().await,
        Backend::Sqlite => TestDatabase::sqlite(),
    }
}

/// A notifier with `settings` on the database at `url`, sharing `clock`.
pub(crate) async fn open(url: &str, settings: Settings, clock: Arc<ManualClock>) -> Notifier {
    let auth = AuthSettings {
        jwt_secret: Some(SecretString::from(SECRET)),
        ..AuthSettings::default()
    };
    let auth = Arc::new(Authenticator::new(&auth).expect("valid auth settings"));
    notifier::connect_with_clock(url, settings, auth, clock)
        .await
        .unwrap_or_else(|e| panic!("cannot open the notifier at {url}: {e:?}"))
}

pub(crate) async fn spawn(backend: Backend) -> TestNotifier {
    spawn_with(backend, settings()).await
}

pub(crate) async fn spawn_with(backend: Backend, settings: Settings) -> TestNotifier {
    let db = database(backend).await;
    let clock = Arc::new(ManualClock::new(start()));
    let notifier = open(db.url(), settings, clock.clone()).await;
    let router = notifier::app(notifier.state.clone());
    TestNotifier {
        notifier,
        clock,
        router,
        db,
    }
}

/// A valid token for `user`.
pub(crate) fn token_for(user: &str) -> String {
    mint_hs256(SECRET.as_bytes(), user, Duration::from_secs(3600)).expect("mint a token")
}

/// An answer: status, content type and JSON body (`Null` when empty).
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) content_type: String,
    pub(crate) body: Value,
}

impl TestNotifier {
    /// Calls the app in process as `user` (`None`: without a token).
    pub(crate) async fn call(&self, user: Option<&str>, method: Method, path: &str, body: Option<Value>) -> Answer {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(user) = user {
            request = request.header(header::AUTHORIZATION, format!("Bearer {}", token_for(user)));
        }
        let request = match body {
            Some(body) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string())),
            None => request.body(Body::empty()),
        }
        .expect("a request");
        let response = self.router.clone().oneshot(request).await.expect("an answer");
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = response.into_body().collect().await.expect("a body").to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).expect("a JSON body")
        };
        Answer {
            status,
            content_type,
            body,
        }
    }

    /// Subscribes `url` for `user` (all other fields from `extra`); returns the 201 body.
    pub(crate) async fn subscribe(&self, user: &str, url: &str, extra: Value) -> Value {
        let mut body = serde_json::json!({ "url": url });
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        let answer = self.call(Some(user), Method::POST, "/api/webhooks", Some(body)).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
        answer.body
    }

    /// Hands `event` to the handler, as a trigger would.
    pub(crate) async fn deliver_event(&self, event: &DomainEvent) -> todo_kit::handler::Outcome {
        self.notifier
            .handler
            .handle(event)
            .await
            .expect("the handler accepts the event")
    }

    /// The outbox rows: (event type, structured CloudEvent), oldest first.
    pub(crate) async fn outbox(&self) -> Vec<(String, Value)> {
        outbox(self.db.url()).await
    }
}

/// The outbox rows of the database at `url`.
pub(crate) async fn outbox(url: &str) -> Vec<(String, Value)> {
    let rows: Vec<(String, String)> = if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
        sqlx::query_as("SELECT event_type, event_data::text FROM outbox ORDER BY id")
            .fetch_all(&mut conn)
            .await
            .expect("read the outbox")
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await.expect("connect");
        sqlx::query_as("SELECT event_type, event_data FROM outbox ORDER BY id")
            .fetch_all(&mut conn)
            .await
            .expect("read the outbox")
    };
    rows.into_iter()
        .map(|(t, data)| (t, serde_json::from_str(&data).expect("JSON event data")))
        .collect()
}

/// Runs `statement` on the database at `url`, outside the notifier.
pub(crate) async fn execute(url: &str, statement: &'static str) {
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
        sqlx::query(statement)
            .execute(&mut conn)
            .await
            .expect("run the statement");
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await.expect("connect");
        sqlx::query(statement)
            .execute(&mut conn)
            .await
            .expect("run the statement");
    }
}

/// The one number `query` answers on the database at `url`.
pub(crate) async fn count(url: &str, query: &'static str) -> i64 {
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
        sqlx::query_scalar(query).fetch_one(&mut conn).await.expect("count")
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await.expect("connect");
        sqlx::query_scalar(query).fetch_one(&mut conn).await.expect("count")
    }
}

/// A `task.created` event of `user`.
pub(crate) fn task_created(user: &str) -> DomainEvent {
    DomainEvent::new(
        "/functions/task-api",
        start(),
        EventMetadata {
            correlation_id: Some("corr-1".into()),
            user_id: Some(user.into()),
            ..EventMetadata::default()
        },
        EventPayload::TaskCreated(TaskCreated {
            task_id: 7,
            title: "Buy milk".into(),
            description: None,
            priority: "medium".into(),
            tags: vec![],
            due_at: None,
            recurrence: None,
        }),
    )
}
