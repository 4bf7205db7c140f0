//! The task-api binary in its two runtimes: as an AWS Lambda against a local server speaking the
//! Lambda Runtime API (API Gateway HTTP API v2 events in, responses out), and as an HTTP service
//! that stops cleanly on SIGTERM.

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use todo_testing::TestDatabase;

const BINARY: &str = env!("CARGO_BIN_EXE_task-api");
const SECRET: &str = "0123456789abcdef0123456789abcdef-runtime-test";

/// The fake Lambda service: hands out queued events and records the responses.
#[derive(Clone, Default)]
struct Runtime {
    events: Arc<Mutex<Vec<Value>>>,
    responses: Arc<Mutex<Vec<(String, Value)>>>,
}

async fn next_invocation(State(rt): State<Runtime>) -> Response {
    let event = {
        let mut events = rt.events.lock().expect("lock");
        if events.is_empty() {
            None
        } else {
            Some(events.remove(0))
        }
    };
    let Some(event) = event else {
        // Nothing left: hold the long poll, as the real service does.
        tokio::time::sleep(Duration::from_secs(3600)).await;
        return StatusCode::NO_CONTENT.into_response();
    };
    let id = format!("req-{}", rt.responses.lock().expect("lock").len() + 1);
    let mut headers = HeaderMap::new();
    headers.insert("lambda-runtime-aws-request-id", HeaderValue::from_str(&id).expect("id"));
    headers.insert("lambda-runtime-deadline-ms", HeaderValue::from_static("9999999999999"));
    headers.insert(
        "lambda-runtime-invoked-function-arn",
        HeaderValue::from_static("arn:aws:lambda:us-east-1:000000000000:function:task-api"),
    );
    (headers, axum::Json(event)).into_response()
}

async fn invocation_response(State(rt): State<Runtime>, Path(id): Path<String>, body: String) -> StatusCode {
    let value = serde_json::from_str(&body).unwrap_or(Value::String(body));
    rt.responses.lock().expect("lock").push((id, value));
    StatusCode::ACCEPTED
}

fn api_gateway_event(method: &str, path: &str, token: &str, body: Option<&str>) -> Value {
    json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"authorization": format!("Bearer {token}"), "content-type": "application/json"},
        "requestContext": {
            "accountId": "000000000000", "apiId": "api", "domainName": "api.example.com", "domainPrefix": "api",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "test"},
            "requestId": "r", "routeKey": "$default", "stage": "$default", "time": "26/Nov/2026:12:00:00 +0000", "timeEpoch": 1_795_000_000_000_i64
        },
        "body": body,
        "isBase64Encoded": false
    })
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_same_router_serves_lambda_invocations() {
    // Arrange: a runtime API with two API Gateway events queued.
    let db = TestDatabase::sqlite();
    let token = todo_kit::auth::mint_hs256(SECRET.as_bytes(), "lambda-user", Duration::from_secs(600)).expect("token");
    let rt = Runtime::default();
    rt.events.lock().expect("lock").extend([
        api_gateway_event(
            "POST",
            "/api/tasks",
            &token,
            Some(r#"{"title":"From Lambda","tags":["aws"]}"#),
        ),
        api_gateway_event("GET", "/api/tasks", &token, None),
    ]);
    let app = Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next_invocation))
        .route(
            "/2018-06-01/runtime/invocation/{id}/response",
            post(invocation_response),
        )
        .with_state(rt.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });

    // Act: start the binary as a Lambda function.
    let _child = Killed(
        Command::new(BINARY)
            .env("DATABASE_URL", db.url())
            .env("AUTH_JWT_SECRET", SECRET)
            .env("AWS_LAMBDA_RUNTIME_API", addr.to_string())
            .env("AWS_LAMBDA_FUNCTION_NAME", "task-api")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "1")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("start task-api"),
    );
    let mut responses = Vec::new();
    for _ in 0..300 {
        responses = rt.responses.lock().expect("lock").clone();
        if responses.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Assert: both invocations answered through the task-api router.
    assert_eq!(responses.len(), 2, "responses: {responses:?}");
    let (first_id, created) = &responses[0];
    assert_eq!(first_id, "req-1");
    assert_eq!(created["statusCode"], 201, "{created}");
    let task: Value = serde_json::from_str(created["body"].as_str().expect("body")).expect("task json");
    assert_eq!(task["title"], "From Lambda");
    assert_eq!(task["owner_id"], "lambda-user");
    let listed: Value = serde_json::from_str(responses[1].1["body"].as_str().expect("body")).expect("page json");
    assert_eq!(listed["items"][0]["id"], task["id"]);
}

#[tokio::test]
async fn sigterm_stops_the_http_service_cleanly() {
    let db = TestDatabase::sqlite();
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        probe.local_addr().expect("addr").port()
    };
    let child = Command::new(BINARY)
        .env("DATABASE_URL", db.url())
        .env("AUTH_JWT_SECRET", SECRET)
        .env("PORT", port.to_string())
        .env("HOST", "127.0.0.1")
        .env_remove("AWS_LAMBDA_RUNTIME_API")
        .env("RUST_LOG", "warn")
        .spawn()
        .expect("start task-api");
    let mut child = Killed(child);
    let url = format!("http://127.0.0.1:{port}/readyz");
    let mut ready = false;
    for _ in 0..250 {
        if answers_2xx(&url).await {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(ready, "task-api never became ready");

    let status = Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let mut exited = None;
    for _ in 0..250 {
        if let Some(code) = child.0.try_wait().expect("wait") {
            exited = Some(code);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let code = exited.expect("task-api did not stop within 5 s of SIGTERM");
    assert!(code.success(), "exit status {code}");
}

/// A GET that only says whether the answer was 2xx (no HTTP client dependency for one probe).
async fn answers_2xx(url: &str) -> bool {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let Ok(mut stream) = tokio::net::TcpStream::connect(host).await else {
        return false;
    };
    let request = format!("GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).await.is_err() {
        return false;
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer).await;
    answer.starts_with("HTTP/1.1 2")
}
