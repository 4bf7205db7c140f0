//! The model chain against a local server that speaks the Chat Completions protocol: tool calls
//! run through task-api, and a model that errors, is too slow or has an open circuit gives way to
//! the next one and finally to the embedded rules, with the response saying who answered.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use chat_api::ProviderChain;
use chat_api::providers::OpenAiProvider;
use serde_json::{Value, json};
use support::{chat_api_with, platform, token};
use todo_kit::resilience::{PeerClient, ResilienceSettings};

/// How the fake model behaves.
#[derive(Clone, Copy)]
enum Behaviour {
    /// Asks for add_task, then answers in words.
    ToolThenAnswer,
    /// 500 on every call.
    Broken,
    /// Answers after 3 s.
    Slow,
}

#[derive(Clone)]
struct Fake {
    behaviour: Behaviour,
    calls: Arc<AtomicUsize>,
    seen: Arc<std::sync::Mutex<Vec<(HeaderMap, Value)>>>,
}

async fn completions(
    State(fake): State<Fake>,
    headers: HeaderMap,
    Json(request): Json<Value>,
) -> (StatusCode, Json<Value>) {
    fake.calls.fetch_add(1, Ordering::SeqCst);
    fake.seen.lock().expect("lock").push((headers, request.clone()));
    match fake.behaviour {
        Behaviour::Broken => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({ "error": { "message": "boom" } })),
        ),
        Behaviour::Slow => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            (
                StatusCode::OK,
                Json(json!({ "choices": [{ "message": { "role": "assistant", "content": "late" } }] })),
            )
        }
        Behaviour::ToolThenAnswer => {
            let messages = request["messages"].as_array().cloned().unwrap_or_default();
            let answered = messages.iter().any(|m| m["role"] == "tool");
            let message = if answered {
                let result = messages
                    .iter()
                    .rev()
                    .find(|m| m["role"] == "tool")
                    .map(|m| m["content"].clone());
                json!({ "role": "assistant", "content": format!("Done: {}", result.unwrap_or_default()) })
            } else {
                json!({ "role": "assistant", "content": null, "tool_calls": [{
                    "id": "call_1", "type": "function",
                    "function": { "name": "add_task", "arguments": "{\"title\":\"Buy bread\",\"priority\":\"high\"}" } }] })
            };
            (
                StatusCode::OK,
                Json(
                    json!({ "id": "x", "object": "chat.completion", "choices": [{ "index": 0, "message": message, "finish_reason": "stop" }] }),
                ),
            )
        }
    }
}

async fn fake_model(behaviour: Behaviour) -> (String, Fake) {
    let fake = Fake {
        behaviour,
        calls: Arc::new(AtomicUsize::new(0)),
        seen: Arc::default(),
    };
    let router = Router::new()
        .route("/v1/chat/completions", post(completions))
        .with_state(fake.clone());
    (format!("{}/v1", support::serve(router).await), fake)
}

fn provider(name: &str, base: &str, timeout: Duration) -> OpenAiProvider {
    let settings = ResilienceSettings {
        retry_delays: Vec::new(),
        timeout,
        ..ResilienceSettings::default()
    };
    let peer = Arc::new(PeerClient::new(name, base, settings).expect("peer"));
    OpenAiProvider::new(name, peer, Some("sk-test".into()))
}

async fn chat(url: &str, message: &str) -> Value {
    reqwest::Client::new()
        .post(format!("{url}/api/chat"))
        .bearer_auth(token("alice"))
        .json(&json!({ "message": message }))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json")
}

#[tokio::test]
async fn a_model_calls_the_task_tools_and_answers() {
    let p = platform().await;
    let (base, fake) = fake_model(Behaviour::ToolThenAnswer).await;
    let models = ProviderChain {
        providers: vec![provider("test-model", &base, Duration::from_secs(5))],
        ..ProviderChain::default()
    };
    let url = chat_api_with(&p.task_api, &p.session_api, models).await;

    let answer = chat(&url, "I need bread, it's important").await;

    assert_eq!(answer["model"], "test-model", "{answer}");
    assert_eq!(answer["actions"][0]["tool"], "add_task");
    assert_eq!(answer["actions"][0]["result"]["status"], "created");
    assert!(answer["reply"].as_str().expect("reply").starts_with("Done:"));
    let tasks = p.tasks().await;
    assert_eq!(
        (tasks[0]["title"].as_str(), tasks[0]["priority"].as_str()),
        (Some("Buy bread"), Some("high"))
    );
    let seen = fake.seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 2, "a tool round trip, then the answer");
    assert_eq!(seen[0].0["authorization"], "Bearer sk-test");
    let tools: Vec<&str> = seen[0].1["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .filter_map(|t| t["function"]["name"].as_str())
        .collect();
    assert_eq!(tools.len(), 7, "{tools:?}");
    assert!(tools.contains(&"add_task") && tools.contains(&"search_tasks"));
    assert_eq!(
        seen[1].1["messages"]
            .as_array()
            .expect("messages")
            .last()
            .expect("tool")["tool_call_id"],
        "call_1"
    );
}

#[tokio::test]
async fn a_failing_or_slow_model_gives_way_and_the_response_says_so() {
    let p = platform().await;
    let (broken, broken_fake) = fake_model(Behaviour::Broken).await;
    let (slow, _) = fake_model(Behaviour::Slow).await;
    let models = ProviderChain {
        providers: vec![
            provider("openai", &broken, Duration::from_secs(5)),
            provider("ollama", &slow, Duration::from_millis(500)),
        ],
        ..ProviderChain::default()
    };
    let url = chat_api_with(&p.task_api, &p.session_api, models).await;

    let started = Instant::now();
    let answer = chat(&url, "add water the plants tomorrow").await;

    assert_eq!(answer["model"], "rules", "{answer}");
    let fallbacks: Vec<&str> = answer["fallbacks"]
        .as_array()
        .expect("fallbacks")
        .iter()
        .filter_map(|f| f["model"].as_str())
        .collect();
    assert_eq!(fallbacks, ["openai", "ollama"]);
    assert!(
        answer["fallbacks"][1]["error"]
            .as_str()
            .expect("error")
            .contains("timed out"),
        "{answer}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the slow model was cut off: {:?}",
        started.elapsed()
    );
    assert_eq!(
        p.tasks().await[0]["title"],
        "Water the plants",
        "the rules did the work"
    );
    assert_eq!(
        broken_fake.calls.load(Ordering::SeqCst),
        1,
        "a failing model is not retried"
    );

    // Five failures open the broken model's circuit: it is skipped without a call.
    for _ in 0..5 {
        chat(&url, "hello").await;
    }
    let calls = broken_fake.calls.load(Ordering::SeqCst);
    let answer = chat(&url, "show my tasks").await;
    assert_eq!(answer["model"], "rules");
    assert!(
        answer["fallbacks"][0]["error"]
            .as_str()
            .expect("error")
            .contains("circuit open"),
        "{answer}"
    );
    assert_eq!(
        broken_fake.calls.load(Ordering::SeqCst),
        calls,
        "no call while the circuit is open"
    );
    let metrics = todo_kit::metrics::metrics().render();
    assert!(
        metrics.contains("ai_requests_total{model=\"openai\",service=\"chat-api\",status=\"unavailable\"}"),
        "{metrics}"
    );
}

#[tokio::test]
async fn a_circuit_held_open_asks_no_model_until_let_go() {
    // Arrange: a healthy model behind a chain whose circuit an operator holds open.
    let p = platform().await;
    let (base, fake) = fake_model(Behaviour::ToolThenAnswer).await;
    let models = ProviderChain {
        providers: vec![provider("test-model", &base, Duration::from_secs(5))],
        ..ProviderChain::default()
    };
    let circuit = models.circuit();
    circuit.set(true);
    let url = chat_api_with(&p.task_api, &p.session_api, models).await;

    // Act
    let held = chat(&url, "add water the plants tomorrow").await;
    circuit.set(false);
    let let_go = chat(&url, "I need bread, it's important").await;

    // Assert: the rules answered without a call; once let go, the model answers again.
    assert_eq!(held["model"], "rules", "{held}");
    assert_eq!(held["fallbacks"][0]["model"], "test-model");
    assert!(
        held["fallbacks"][0]["error"]
            .as_str()
            .expect("error")
            .contains("held open"),
        "{held}"
    );
    assert_eq!(let_go["model"], "test-model", "{let_go}");
    assert_eq!(
        fake.seen.lock().expect("lock").len(),
        2,
        "only the second message reached the model"
    );
}
