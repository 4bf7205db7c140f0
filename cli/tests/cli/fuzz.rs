//! Fuzzing the HTTP surface of `todo serve`: every operation of every function's OpenAPI
//! document gets random JSON bodies (objects with the platform's field names and values of every
//! shape: huge, negative, fractional, unicode, control characters, nested) and random query
//! strings, as a real user. Never a 500 (nor a dropped connection), and never a partial write:
//! a write that is refused leaves the user's tasks (the list's ETag, which every task write
//! moves), webhooks and session messages exactly as they were.
//!
//! Inputs come from proptest strategies; `FUZZ_CASES` cases per operation (`make test`: 16;
//! `make fuzz`: 1,000), from a seed that is printed, so a failing run can be replayed with
//! `FUZZ_SEED`. Inputs that once failed are kept in `fuzz_corpus.json` and replayed first on
//! every run.

use std::time::Duration;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};

use crate::harness::Platform;

/// Field names the routes read, so that random bodies reach past "unknown field".
const FIELDS: &[&str] = &[
    "title",
    "description",
    "priority",
    "tags",
    "due_at",
    "status",
    "recurrence",
    "remind_at",
    "reminder",
    "url",
    "event_types",
    "secret",
    "message",
    "session_id",
    "role",
    "content",
    "metadata",
    "until",
    "reason",
    "alerts",
    "client_info",
    "id",
    "version",
    "completed",
    "timezone",
];
/// Query parameter names the routes read.
const PARAMS: &[&str] = &[
    "limit",
    "cursor",
    "q",
    "status",
    "priority",
    "tag",
    "tags",
    "sort",
    "order",
    "due_before",
    "due_after",
    "overdue",
    "from",
    "to",
    "bucket",
    "metric",
    "actor",
    "before",
    "after",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "\\PC{0,40}".prop_map(Value::from),
        "[a-z ]{0,12}".prop_map(Value::from),
        Just(Value::from("x".repeat(70_000))),
        Just(Value::from("2026-13-45T25:61:00Z")),
        Just(Value::from("FREQ=SECONDLY;INTERVAL=0")),
        Just(Value::from("\u{0}\u{202e}\u{feff}")),
        Just(Value::from(u64::MAX)),
        Just(json!(1e308)),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(prop::sample::select(FIELDS), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}

/// A body: usually an object of known fields, sometimes anything at all.
fn body() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => prop::collection::btree_map(prop::sample::select(FIELDS), value(), 0..8)
            .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        1 => value(),
    ]
}

fn query() -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(PARAMS), "\\PC{0,16}"), 0..5).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
                )
            })
            .collect::<Vec<_>>()
            .join("&")
    })
}

/// Every documented operation, `(method, path template)`.
fn operations() -> Vec<(String, String)> {
    crate::openapi_operations::operations()
        .into_iter()
        .map(|o| (o.method, o.path))
        .collect()
}

/// One input: where, with what.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Case {
    method: String,
    path: String,
    query: String,
    body: Option<Value>,
}

pub(crate) async fn no_input_to_any_route_is_a_500_or_a_partial_write() {
    // Arrange: the user's task, session and webhook, so that routes with an id reach real rows.
    let platform = Platform::start_with(
        None,
        &[
            ("WEBHOOK_ALLOW_PRIVATE_TARGETS", "true"),
            ("RATE_LIMIT_USER", "off"),
            ("RATE_LIMIT_EXPENSIVE", "off"),
            ("RATE_LIMIT_IP", "off"),
        ],
    );
    let token = platform.local_token();
    // A fresh connection per request: a server that refuses a body too large closes its
    // connection without reading the body, which a pooled connection would only notice later.
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    let url = |path: &str| format!("{}{path}", platform.url);
    let created: Value = http
        .post(url("/api/tasks"))
        .bearer_auth(&token)
        .json(&json!({"title": "fuzz me"}))
        .send()
        .await
        .expect("create")
        .json()
        .await
        .expect("json");
    let session: Value = http
        .post(url("/api/sessions"))
        .bearer_auth(&token)
        .json(&json!({}))
        .send()
        .await
        .expect("session")
        .json()
        .await
        .expect("json");
    let webhook: Value = http
        .post(url("/api/webhooks"))
        .bearer_auth(&token)
        .json(&json!({"url": "http://127.0.0.1:9/hook"}))
        .send()
        .await
        .expect("webhook")
        .json()
        .await
        .expect("json");
    let ids = [
        ("tasks", created["id"].to_string()),
        ("sessions", session["id"].as_str().unwrap_or("x").to_owned()),
        ("webhooks", webhook["id"].as_str().unwrap_or("x").to_owned()),
    ];
    let concrete = |template: &str| {
        let segments: Vec<&str> = template.split('/').collect();
        segments
            .iter()
            .enumerate()
            .map(|(i, s)| {
                if !s.starts_with('{') {
                    return (*s).to_owned();
                }
                let collection = segments.get(i.wrapping_sub(1)).copied().unwrap_or_default();
                ids.iter()
                    .find(|(c, _)| *c == collection)
                    .map_or_else(|| "task-api".to_owned(), |(_, id)| id.clone())
            })
            .collect::<Vec<_>>()
            .join("/")
    };
    // What a write could change: the task list (its ETag moves with every task write), the
    // webhooks, and the session's messages.
    let session_messages = url(&format!("/api/sessions/{}/messages", ids[1].1));
    let state = || async {
        let response = http
            .get(url("/api/tasks"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("list");
        let etag = response
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let text = |path: String| {
            let request = http.get(path).bearer_auth(&token);
            async move { request.send().await.expect("read").text().await.unwrap_or_default() }
        };
        (
            etag,
            text(url("/api/webhooks")).await,
            text(session_messages.clone()).await,
        )
    };

    // The corpus first, then random cases.
    let corpus: Vec<Case> = serde_json::from_str(include_str!("fuzz_corpus.json")).expect("the corpus");
    let cases_per_operation: u32 = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(16);
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand_seed);
    eprintln!("fuzzing with FUZZ_SEED={seed}, {cases_per_operation} cases per operation");
    let mut seed_bytes = [0_u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: cases_per_operation,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let mut cases = corpus;
    for (method, template) in operations() {
        for _ in 0..cases_per_operation {
            let body = body().new_tree(&mut runner).expect("a body").current();
            let query = query().new_tree(&mut runner).expect("a query").current();
            cases.push(Case {
                method: method.clone(),
                path: template.clone(),
                query,
                body: (method != "GET" && method != "DELETE").then_some(body),
            });
        }
    }

    // Act and assert
    let mut failures = Vec::new();
    for case in &cases {
        let writes = case.method != "GET";
        let before = if writes { Some(state().await) } else { None };
        let path = concrete(&case.path);
        let target = if case.query.is_empty() {
            url(&path)
        } else {
            format!("{}?{}", url(&path), case.query)
        };
        let mut request = http
            .request(case.method.parse().expect("a method"), target)
            .bearer_auth(&token);
        if let Some(body) = &case.body {
            request = request.json(body);
        }
        match request.send().await {
            Err(error) => failures.push(format!("{case:?}: no answer: {error}")),
            Ok(response) if response.status().is_server_error() => {
                let status = response.status();
                failures.push(format!(
                    "{}: {status}: {}",
                    serde_json::to_string(case).unwrap_or_default(),
                    response.text().await.unwrap_or_default()
                ));
            }
            Ok(response) if writes && !response.status().is_success() => {
                if Some(state().await) != before {
                    failures.push(format!(
                        "{}: refused with {} but the tasks, webhooks or messages changed",
                        serde_json::to_string(case).unwrap_or_default(),
                        response.status()
                    ));
                }
            }
            Ok(_) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed (FUZZ_SEED={seed}); add them to cli/tests/cli/fuzz_corpus.json once fixed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

fn rand_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(7)
}
