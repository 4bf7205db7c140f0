//! session-api over HTTP on the in-process store (the Redis store passes the same conformance
//! suite): the routes, problem+json for every refusal, cross-user isolation, and the worker that
//! publishes session events to the bus and expires idle sessions.

use std::sync::Arc;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use secrecy::SecretString;
use serde_json::{Value, json};
use session_api::store::{MemorySessionStore, SessionStore};
use session_api::{AppState, SessionSettings, SessionWorker, WorkerSettings};
use todo_kit::Authenticator;
use todo_kit::auth::{AuthSettings, mint_hs256};
use todo_kit::bus::{EventBus, MemoryBus};
use todo_kit::serve::Server;

const SECRET: &str = "session-api-test-secret-of-32-bytes!!";

struct App {
    address: String,
    client: reqwest::Client,
    store: Arc<dyn SessionStore>,
}

async fn spawn(settings: SessionSettings) -> App {
    let store: Arc<dyn SessionStore> = Arc::new(MemorySessionStore::new(settings));
    let auth = AuthSettings {
        jwt_secret: Some(SecretString::from(SECRET)),
        ..AuthSettings::default()
    };
    let auth = Arc::new(Authenticator::new(&auth).expect("auth"));
    let router = session_api::app(AppState {
        store: store.clone(),
        auth,
    });
    let server = Server::bind("127.0.0.1:0".parse().expect("address"), router)
        .await
        .expect("bind");
    let address = format!("http://{}", server.local_addr().expect("address"));
    tokio::spawn(server.run_until_stopped());
    App {
        address,
        client: reqwest::Client::new(),
        store,
    }
}

impl App {
    fn request(&self, user: &str, method: Method, path: &str) -> reqwest::RequestBuilder {
        let token = mint_hs256(SECRET.as_bytes(), user, Duration::from_secs(600)).expect("token");
        self.client
            .request(method, format!("{}{path}", self.address))
            .bearer_auth(token)
    }

    async fn open(&self, user: &str) -> Value {
        let response = self
            .request(user, Method::POST, "/api/sessions")
            .json(&json!({ "client_info": { "timezone": "Europe/Berlin" } }))
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.expect("json")
    }

    async fn say(&self, user: &str, id: &str, role: &str, content: &str) -> reqwest::Response {
        self.request(user, Method::POST, &format!("/api/sessions/{id}/messages"))
            .json(&json!({ "role": role, "content": content }))
            .send()
            .await
            .expect("send")
    }
}

async fn problem(response: reqwest::Response, status: StatusCode) -> Value {
    assert_eq!(response.status(), status);
    let content_type = response.headers()["content-type"].to_str().expect("ascii").to_owned();
    assert_eq!(content_type, "application/problem+json");
    response.json().await.expect("problem body")
}

fn kind(problem: &Value) -> &str {
    problem["type"]
        .as_str()
        .and_then(|t| t.rsplit('/').next())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_conversation_is_opened_written_read_and_closed() {
    let app = spawn(SessionSettings::default()).await;
    let session = app.open("alice").await;
    let id = session["id"].as_str().expect("id");
    assert_eq!(session["client_info"]["timezone"], "Europe/Berlin");
    assert_eq!(session["message_count"], 0);

    assert_eq!(
        app.say("alice", id, "user", "add milk").await.status(),
        StatusCode::CREATED
    );
    let reply = app.say("alice", id, "assistant", "Added “milk”.").await;
    assert_eq!(reply.status(), StatusCode::CREATED);
    assert_eq!(reply.json::<Value>().await.expect("json")["seq"], 2);

    let shown: Value = app
        .request("alice", Method::GET, &format!("/api/sessions/{id}"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(shown["message_count"], 2);
    let page: Value = app
        .request("alice", Method::GET, &format!("/api/sessions/{id}/messages?limit=1"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(page["items"][0]["content"], "Added “milk”.");
    assert_eq!(page["next_cursor"], 2);
    let older: Value = app
        .request(
            "alice",
            Method::GET,
            &format!("/api/sessions/{id}/messages?limit=1&before=2"),
        )
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(older["items"][0]["content"], "add milk");
    assert_eq!(older["next_cursor"], Value::Null);

    let closed = app
        .request("alice", Method::DELETE, &format!("/api/sessions/{id}"))
        .send()
        .await
        .expect("send");
    assert_eq!(closed.status(), StatusCode::NO_CONTENT);
    let gone = app
        .request("alice", Method::GET, &format!("/api/sessions/{id}"))
        .send()
        .await
        .expect("send");
    assert_eq!(kind(&problem(gone, StatusCode::NOT_FOUND).await), "session-not-found");
}

#[tokio::test]
async fn another_users_session_is_not_found_on_every_route() {
    let app = spawn(SessionSettings::default()).await;
    let session = app.open("alice").await;
    let id = session["id"].as_str().expect("id");
    let attempts = [
        app.request("bob", Method::GET, &format!("/api/sessions/{id}")),
        app.request("bob", Method::GET, &format!("/api/sessions/{id}/messages")),
        app.request("bob", Method::POST, &format!("/api/sessions/{id}/messages"))
            .json(&json!({ "role": "user", "content": "hi" })),
        app.request("bob", Method::DELETE, &format!("/api/sessions/{id}")),
    ];
    for attempt in attempts {
        let response = attempt.send().await.expect("send");
        assert_eq!(
            kind(&problem(response, StatusCode::NOT_FOUND).await),
            "session-not-found"
        );
    }
    let anonymous = app
        .client
        .get(format!("{}/api/sessions/{id}", app.address))
        .send()
        .await
        .expect("send");
    problem(anonymous, StatusCode::UNAUTHORIZED).await;
    assert_eq!(
        app.store
            .get("alice", id, chrono::Utc::now())
            .await
            .expect("intact")
            .message_count,
        0
    );
}

#[tokio::test]
async fn bad_input_gets_a_problem_the_client_can_act_on() {
    let app = spawn(SessionSettings {
        ttl: Duration::from_millis(300),
        ..SessionSettings::default()
    })
    .await;
    let session = app.open("alice").await;
    let id = session["id"].as_str().expect("id");

    let long = app.say("alice", id, "user", &"x".repeat(2001)).await;
    assert_eq!(
        kind(&problem(long, StatusCode::PAYLOAD_TOO_LARGE).await),
        "message-too-long"
    );
    let role = app.say("alice", id, "system", "hi").await;
    let role = problem(role, StatusCode::BAD_REQUEST).await;
    assert!(
        role["detail"]
            .as_str()
            .expect("detail")
            .contains("unknown variant `system`"),
        "{role}"
    );
    let not_object = app
        .request("alice", Method::POST, "/api/sessions")
        .json(&json!({ "client_info": [1] }))
        .send()
        .await
        .expect("send");
    problem(not_object, StatusCode::UNPROCESSABLE_ENTITY).await;
    let unknown = app
        .request("alice", Method::POST, "/api/sessions")
        .json(&json!({ "nope": 1 }))
        .send()
        .await
        .expect("send");
    assert_eq!(kind(&problem(unknown, StatusCode::BAD_REQUEST).await), "invalid-body");
    for query in ["limit=0", "limit=201", "limit=x", "before=-1", "colour=blue"] {
        let response = app
            .request("alice", Method::GET, &format!("/api/sessions/{id}/messages?{query}"))
            .send()
            .await
            .expect("send");
        assert_eq!(
            kind(&problem(response, StatusCode::BAD_REQUEST).await),
            "invalid-query",
            "{query}"
        );
    }

    tokio::time::sleep(Duration::from_millis(400)).await;
    let expired = app.say("alice", id, "user", "hello?").await;
    let body = problem(expired, StatusCode::GONE).await;
    assert_eq!(kind(&body), "session-expired");
    assert!(body["detail"].as_str().expect("detail").contains("POST /api/sessions"));
}

#[tokio::test]
async fn the_worker_publishes_every_session_event_and_expires_idle_sessions() {
    let settings = SessionSettings {
        ttl: Duration::from_millis(300),
        ..SessionSettings::default()
    };
    let app = spawn(settings).await;
    let bus: Arc<dyn EventBus> = Arc::new(MemoryBus::new());
    bus.ensure_topic("w.session-events", 3).await.expect("topic");
    let mut member = bus
        .subscribe("test", &["w.session-events".to_owned()])
        .await
        .expect("subscribe");
    let worker = SessionWorker::new(
        app.store.clone(),
        bus.clone(),
        WorkerSettings {
            publish_every: Duration::from_millis(20),
            sweep_every: Duration::from_millis(50),
            topic_prefix: "w.".into(),
        },
    );
    let stop = Arc::new(tokio::sync::Notify::new());
    let running = {
        let (worker, stop) = (worker.clone(), stop.clone());
        tokio::spawn(async move { worker.run(stop.notified()).await })
    };

    let session = app.open("alice").await;
    let id = session["id"].as_str().expect("id").to_owned();
    app.say("alice", &id, "user", "add milk").await;
    let mut types = Vec::new();
    while types.len() < 3 {
        let delivery = tokio::time::timeout(Duration::from_secs(5), member.next())
            .await
            .expect("an event in time")
            .expect("delivery");
        assert_eq!(delivery.key.as_deref(), Some(id.as_str()), "keyed by session");
        let event = todo_kit::handler::validate(delivery.event.as_ref().expect("readable")).expect("valid");
        types.push(event.event_type().as_str().to_owned());
        member.commit(&delivery).await.expect("commit");
    }
    stop.notify_one();
    running.await.expect("worker");

    assert_eq!(
        types,
        ["session.created", "session.message_received", "session.expired"]
    );
    assert!(
        app.store
            .claim_outbox(10)
            .await
            .expect("claim")
            .expect("free")
            .is_empty(),
        "all acknowledged"
    );
    let metrics = todo_kit::metrics::metrics().render();
    assert!(
        metrics.contains("active_sessions_count{service=\"session-api\"} 0"),
        "{metrics}"
    );
}
