//! `spawn_app`: task-api over a throwaway database, served on a random port, with a client and
//! typed request helpers. Set `TEST_LOG=1` (and `RUST_LOG`) to see the server's logs.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use reqwest::{Method, RequestBuilder, Response, StatusCode, header};
use secrecy::SecretString;
use serde_json::Value;
use task_api::AppState;
use todo_events::DomainEvent;
use todo_kit::Authenticator;
use todo_kit::auth::{AuthSettings, mint_hs256};
use todo_kit::serve::Server;
use todo_tasks::store::{OutboxRow, TaskStore};
use todo_testing::TestDatabase;

/// The HS256 secret every test app accepts (at least 32 bytes).
pub(crate) const SECRET: &str = "end-to-end-test-secret-of-at-least-32-bytes";

static TRACING: LazyLock<()> = LazyLock::new(|| {
    if std::env::var_os("TEST_LOG").is_some() {
        todo_kit::telemetry::init("todo-tests");
    }
});

/// Which database the app runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    Sqlite,
    Postgres,
}

/// The running app: its address, its store (to look behind the API) and a client.
#[derive(Debug)]
pub(crate) struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub(crate) address: String,
    pub(crate) client: reqwest::Client,
    /// The same store the server writes to.
    pub(crate) store: Arc<dyn TaskStore>,
    /// The app's router, for in-process calls with `oneshot`.
    pub(crate) router: Router,
    /// The database's URL, for tests that break it on purpose.
    pub(crate) database_url: String,
    server: tokio::task::JoinHandle<anyhow::Result<()>>,
    // Declared last: dropped after the server stops using it.
    _db: TestDatabase,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Starts task-api on `backend` with the HS256 secret.
pub(crate) async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, None).await
}

/// Starts task-api on `backend` with the HS256 secret and, when given, a JWKS URL.
pub(crate) async fn spawn_app_with(backend: Backend, jwks_url: Option<String>) -> TestApp {
    let settings = AuthSettings {
        jwt_secret: Some(SecretString::from(SECRET)),
        jwks_url,
        ..AuthSettings::default()
    };
    spawn_app_with_auth(backend, &settings).await
}

/// Starts task-api on `backend` with the given authentication settings.
pub(crate) async fn spawn_app_with_auth(backend: Backend, settings: &AuthSettings) -> TestApp {
    spawn_app_with_authenticator(backend, Authenticator::new(settings).expect("valid auth settings")).await
}

/// Starts task-api on `backend` with `authenticator`.
pub(crate) async fn spawn_app_with_authenticator(backend: Backend, authenticator: Authenticator) -> TestApp {
    spawn(backend, authenticator, task_api::app).await
}

/// task-api with `edge`'s limits instead of the environment's.
pub(crate) async fn spawn_app_with_edge(backend: Backend, edge: todo_kit::limits::EdgeSettings) -> TestApp {
    let settings = AuthSettings {
        jwt_secret: Some(SecretString::from(SECRET)),
        ..AuthSettings::default()
    };
    let authenticator = Authenticator::new(&settings).expect("valid auth settings");
    spawn(backend, authenticator, move |state| {
        todo_kit::layers::standard_with(task_api::service(state), &edge)
    })
    .await
}

async fn spawn(backend: Backend, authenticator: Authenticator, app: impl FnOnce(AppState) -> axum::Router) -> TestApp {
    LazyLock::force(&TRACING);
    let db = match backend {
        Backend::Sqlite => TestDatabase::sqlite(),
        Backend::Postgres => TestDatabase::postgres().await,
    };
    let store = todo_tasks::store::connect(db.url())
        .await
        .unwrap_or_else(|e| panic!("cannot open the {backend:?} store: {e:?}"));
    let auth = Arc::new(authenticator);
    let router = app(AppState::new(store.clone(), auth));
    let server = Server::bind("127.0.0.1:0".parse().expect("address"), router.clone())
        .await
        .expect("bind a random port");
    let address = format!("http://{}", server.local_addr().expect("bound address"));
    let server = tokio::spawn(server.run_until_stopped());
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("HTTP client");
    TestApp {
        address,
        client,
        store,
        router,
        database_url: db.url().to_owned(),
        server,
        _db: db,
    }
}

/// A valid HS256 token for `user`.
pub(crate) fn token_for(user: &str) -> String {
    mint_hs256(SECRET.as_bytes(), user, Duration::from_secs(3600)).expect("mint a token")
}

impl TestApp {
    /// A request as `user` to `path` (relative to the server).
    pub(crate) fn request(&self, user: &str, method: Method, path: &str) -> RequestBuilder {
        self.anonymous(method, path).bearer_auth(token_for(user))
    }

    /// A request without credentials.
    pub(crate) fn anonymous(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{path}", self.address))
    }

    /// `POST /api/tasks` as `user`; panics unless the task is created. Returns the task.
    pub(crate) async fn create_task(&self, user: &str, body: Value) -> Value {
        let response = self
            .request(user, Method::POST, "/api/tasks")
            .json(&body)
            .send()
            .await
            .expect("POST /api/tasks");
        let status = response.status();
        let text = response.text().await.expect("body");
        assert_eq!(status, StatusCode::CREATED, "create {body}: {text}");
        serde_json::from_str(&text).expect("a task as JSON")
    }

    /// `GET /api/tasks/{id}` as `user`.
    pub(crate) async fn get(&self, user: &str, id: i64) -> Response {
        self.request(user, Method::GET, &format!("/api/tasks/{id}"))
            .send()
            .await
            .expect("GET /api/tasks/{id}")
    }

    /// The task as `user` sees it; panics unless it is there.
    pub(crate) async fn task(&self, user: &str, id: i64) -> Value {
        let response = self.get(user, id).await;
        assert_eq!(response.status(), StatusCode::OK, "task {id} of {user}");
        response.json().await.expect("a task as JSON")
    }

    /// `PATCH /api/tasks/{id}` as `user` with `If-Match: "version"`.
    pub(crate) async fn patch_with_if_match(&self, user: &str, id: i64, version: i64, body: Value) -> Response {
        self.request(user, Method::PATCH, &format!("/api/tasks/{id}"))
            .header(header::IF_MATCH, format!("\"{version}\""))
            .json(&body)
            .send()
            .await
            .expect("PATCH /api/tasks/{id}")
    }

    /// `GET /api/tasks?query` as `user`: the page as JSON; panics unless 200.
    pub(crate) async fn list(&self, user: &str, query: &str) -> Value {
        let response = self
            .request(user, Method::GET, &format!("/api/tasks?{query}"))
            .send()
            .await
            .expect("GET /api/tasks");
        let status = response.status();
        let text = response.text().await.expect("body");
        assert_eq!(status, StatusCode::OK, "list ?{query}: {text}");
        serde_json::from_str(&text).expect("a page as JSON")
    }

    /// The ids of a page's items, in order.
    pub(crate) async fn list_ids(&self, user: &str, query: &str) -> Vec<i64> {
        ids(&self.list(user, query).await)
    }

    /// Every unpublished outbox row, oldest first.
    pub(crate) async fn outbox(&self) -> Vec<OutboxRow> {
        self.store.unpublished_outbox(100_000).await.expect("read the outbox")
    }

    /// The number of unpublished outbox rows.
    pub(crate) async fn outbox_len(&self) -> usize {
        self.outbox().await.len()
    }

    /// The outbox rows as domain events, oldest first.
    pub(crate) async fn events(&self) -> anyhow::Result<Vec<DomainEvent>> {
        self.outbox()
            .await
            .iter()
            .map(|row| {
                DomainEvent::from_structured_json(&row.event_json()).context("an outbox row is not a CloudEvent")
            })
            .collect()
    }

    /// The event types in the outbox, oldest first.
    pub(crate) async fn outbox_types(&self) -> Vec<String> {
        self.outbox().await.into_iter().map(|row| row.event_type).collect()
    }
}

/// The ids of a page's `items`.
pub(crate) fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|t| t["id"].as_i64().expect("id"))
        .collect()
}

/// A task's id.
pub(crate) fn id_of(task: &Value) -> i64 {
    task["id"].as_i64().expect("the task has an id")
}

/// The version an `ETag` header names.
pub(crate) fn etag_version(response: &Response) -> Option<i64> {
    response
        .headers()
        .get(header::ETAG)?
        .to_str()
        .ok()?
        .trim_matches('"')
        .parse()
        .ok()
}

/// Checks that `response` is an RFC 9457 problem with `status`, and returns its body.
pub(crate) async fn assert_problem(response: Response, status: StatusCode) -> anyhow::Result<Value> {
    let actual = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.context("Failed to read the problem body")?;
    assert_eq!(actual, status, "status; body: {text}");
    assert_eq!(
        content_type, "application/problem+json",
        "content type of a {status} response; body: {text}"
    );
    let problem: Value = serde_json::from_str(&text).with_context(|| format!("problem body is not JSON: {text}"))?;
    let type_uri = problem["type"].as_str().unwrap_or_default();
    assert!(type_uri.starts_with("https://"), "problem type is a URI: {problem}");
    assert!(
        !problem["title"].as_str().unwrap_or_default().is_empty(),
        "problem has a title: {problem}"
    );
    assert_eq!(problem["status"], status.as_u16(), "problem status: {problem}");
    assert!(
        !problem["detail"].as_str().unwrap_or_default().is_empty(),
        "problem has a detail: {problem}"
    );
    Ok(problem)
}

/// The last segment of a problem's `type` URI (`validation`, `not-found`, ...).
pub(crate) fn problem_kind(problem: &Value) -> &str {
    problem["type"]
        .as_str()
        .and_then(|t| t.rsplit('/').next())
        .unwrap_or_default()
}

/// The `name`s of a validation problem's `invalid-params`.
pub(crate) fn invalid_param_names(problem: &Value) -> Vec<String> {
    problem["invalid-params"]
        .as_array()
        .map(|params| {
            params
                .iter()
                .filter_map(|p| p["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
