//! What the chat tests share: task-api on SQLite, session-api in process and chat-api, each on
//! its own port with one signing secret, and a client that talks to them as a user would.

#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::{Value, json};
use session_api::store::{MemorySessionStore, SessionStore};
use todo_kit::Authenticator;
use todo_kit::auth::{AuthSettings, mint_hs256};
use todo_kit::clock::{Clock, SystemClock};
use todo_kit::resilience::{PeerClient, ResilienceSettings};
use todo_kit::serve::Server;
use todo_testing::TestDatabase;

const SECRET: &str = "chat-api-end-to-end-secret-32-bytes!";

pub struct Platform {
    pub chat: String,
    pub tasks: String,
    pub sessions: Arc<dyn SessionStore>,
    pub task_api: String,
    pub session_api: String,
    pub client: reqwest::Client,
    _db: TestDatabase,
}

/// Verifies the tokens [`token`] mints.
pub fn auth() -> Arc<Authenticator> {
    let settings = AuthSettings {
        jwt_secret: Some(SecretString::from(SECRET)),
        ..AuthSettings::default()
    };
    Arc::new(Authenticator::new(&settings).expect("auth"))
}

pub async fn serve(router: axum::Router) -> String {
    let server = Server::bind("127.0.0.1:0".parse().expect("address"), router)
        .await
        .expect("bind");
    let url = format!("http://{}", server.local_addr().expect("address"));
    tokio::spawn(server.run_until_stopped());
    url
}

pub async fn chat_api(task_api: &str, session_api: &str) -> String {
    chat_api_with(task_api, session_api, chat_api::ProviderChain::default()).await
}

/// chat-api trying `models` before its rules.
pub async fn chat_api_with(task_api: &str, session_api: &str, models: chat_api::ProviderChain) -> String {
    chat_api_at(task_api, session_api, models, Arc::new(SystemClock)).await
}

/// chat-api trying `models` before its rules, reading "now" from `clock`.
pub async fn chat_api_at(
    task_api: &str,
    session_api: &str,
    models: chat_api::ProviderChain,
    clock: Arc<dyn Clock>,
) -> String {
    let peer =
        |name: &str, url: &str| Arc::new(PeerClient::new(name, url, ResilienceSettings::default()).expect("peer"));
    let chat = chat_api::Chat::new(
        peer("task-api", task_api),
        peer("session-api", session_api),
        chat_api::ChatSettings::default(),
    )
    .with_models(models)
    .with_clock(clock);
    serve(chat_api::app(chat_api::AppState {
        chat: Arc::new(chat),
        auth: auth(),
    }))
    .await
}

pub async fn platform() -> Platform {
    platform_with(Arc::new(SystemClock)).await
}

/// The platform with chat-api reading "now" from `clock` (task-api keeps the real one).
pub async fn platform_with(clock: Arc<dyn Clock>) -> Platform {
    let db = TestDatabase::sqlite();
    let store = todo_tasks::store::connect(db.url()).await.expect("task store");
    let task_api = serve(task_api::app(task_api::AppState::new(store, auth()))).await;
    let sessions: Arc<dyn SessionStore> = Arc::new(MemorySessionStore::new(session_api::SessionSettings::default()));
    let session_api = serve(session_api::app(session_api::AppState {
        store: sessions.clone(),
        auth: auth(),
    }))
    .await;
    let chat = chat_api_at(&task_api, &session_api, chat_api::ProviderChain::default(), clock).await;
    Platform {
        chat,
        tasks: task_api.clone(),
        sessions,
        task_api,
        session_api,
        client: reqwest::Client::new(),
        _db: db,
    }
}

pub fn token(user: &str) -> String {
    mint_hs256(SECRET.as_bytes(), user, Duration::from_secs(600)).expect("token")
}

impl Platform {
    pub async fn say(&self, session: Option<&str>, message: &str) -> (StatusCode, Value) {
        let body = match session {
            Some(id) => json!({ "session_id": id, "message": message }),
            None => json!({ "message": message }),
        };
        let response = self
            .client
            .post(format!("{}/api/chat", self.chat))
            .bearer_auth(token("alice"))
            .header("x-timezone", "Europe/Berlin")
            .json(&body)
            .send()
            .await
            .expect("send");
        let status = response.status();
        (status, response.json().await.expect("json"))
    }

    pub async fn turn(&self, session: &str, message: &str) -> Value {
        let (status, body) = self.say(Some(session), message).await;
        assert_eq!(status, StatusCode::OK, "{message}: {body}");
        body
    }

    pub async fn tasks(&self) -> Vec<Value> {
        tasks_of(&self.client, &self.tasks, "alice").await
    }

    pub async fn add(&self, title: &str, due_at: Option<&str>) -> i64 {
        let mut body = json!({ "title": title });
        if let Some(due) = due_at {
            body["due_at"] = json!(due);
        }
        let task: Value = self
            .client
            .post(format!("{}/api/tasks", self.tasks))
            .bearer_auth(token("alice"))
            .json(&body)
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        task["id"].as_i64().expect("id")
    }
}

/// `user`'s tasks (up to 200, oldest first) as the task-api at `task_api` has them.
pub async fn tasks_of(client: &reqwest::Client, task_api: &str, user: &str) -> Vec<Value> {
    let page: Value = client
        .get(format!("{task_api}/api/tasks?limit=200&sort=created_at"))
        .bearer_auth(token(user))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    page["items"].as_array().cloned().unwrap_or_default()
}
