//! The MCP server end to end: task-api on SQLite and the `/mcp` router on their own ports with one
//! signing secret, driven by rmcp's own client as an agent would drive it. Every change is checked
//! in task-api; failures come back as readable tool errors; tokens are required and users are
//! kept apart; the same handler answers over a byte stream, as `todo mcp` does over stdio.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::routing::post;
use rmcp::model::{CallToolRequestParams, CallToolResult, ProtocolVersion};
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{ClientLifecycleMode, ClientServiceExt, ServiceExt};
use serde_json::{Value, json};
use todo_kit::resilience::{Forwarded, PeerClient, ResilienceSettings};
use todo_testing::TestDatabase;

mod support;

use chat_api::mcp;
use chat_api::tools::{TaskTools, definitions};
use support::{auth, serve, tasks_of, token};

type Client = RunningService<RoleClient, ()>;
type TestResult = Result<(), Box<dyn std::error::Error>>;

fn task_tools(task_api: &str) -> TaskTools {
    TaskTools::new(Arc::new(
        PeerClient::new("task-api", task_api, ResilienceSettings::default()).expect("peer"),
    ))
}

struct Platform {
    /// The MCP endpoint, `http://127.0.0.1:PORT/mcp`.
    mcp: String,
    task_api: String,
    http: reqwest::Client,
    _db: TestDatabase,
}

async fn platform() -> Platform {
    let db = TestDatabase::sqlite();
    let store = todo_tasks::store::connect(db.url()).await.expect("task store");
    let task_api = serve(task_api::app(task_api::AppState::new(store, auth()))).await;
    let mcp = serve(mcp::router(task_tools(&task_api), auth())).await + mcp::PATH;
    Platform {
        mcp,
        task_api,
        http: reqwest::Client::new(),
        _db: db,
    }
}

impl Platform {
    /// An MCP client for `user` over streamable HTTP, with the classic `initialize` handshake.
    async fn connect(&self, user: &str) -> Client {
        let config = StreamableHttpClientTransportConfig::with_uri(self.mcp.as_str()).auth_header(token(user));
        ().serve(StreamableHttpClientTransport::from_config(config))
            .await
            .expect("connect")
    }

    /// `user`'s tasks as task-api has them.
    async fn tasks(&self, user: &str) -> Vec<Value> {
        tasks_of(&self.http, &self.task_api, user).await
    }

    async fn task(&self, user: &str, id: &Value) -> Option<Value> {
        self.tasks(user).await.into_iter().find(|task| &task["id"] == id)
    }
}

async fn call(client: &Client, name: &'static str, arguments: Value) -> CallToolResult {
    let Value::Object(arguments) = arguments else {
        panic!("arguments must be an object")
    };
    client
        .call_tool(CallToolRequestParams::new(name).with_arguments(arguments))
        .await
        .expect("tools/call")
}

/// The JSON of a successful call, read from its text content as any client can.
fn answer(result: &CallToolResult) -> Value {
    assert_ne!(result.is_error, Some(true), "tool failed: {result:?}");
    let text = result.content[0].as_text().expect("text content");
    let value: Value = serde_json::from_str(&text.text).expect("JSON text");
    if let Some(structured) = &result.structured_content {
        assert_eq!(structured, &value, "structured content matches the text");
    }
    value
}

fn error_text(result: &CallToolResult) -> String {
    assert_eq!(result.is_error, Some(true), "expected a tool error: {result:?}");
    result.content[0].as_text().expect("text content").text.clone()
}

#[tokio::test]
async fn the_server_lists_exactly_the_task_tools_and_names_the_product() -> TestResult {
    // Arrange
    let p = platform().await;
    let client = p.connect("alice").await;

    // Act
    let tools = client.list_all_tools().await?;
    let info = client.peer_info().expect("server info");

    // Assert
    let definitions = definitions();
    assert_eq!(tools.len(), 7);
    for (tool, definition) in tools.iter().zip(&definitions) {
        assert_eq!(tool.name, definition.name);
        assert_eq!(tool.description.as_deref(), Some(definition.description));
        assert_eq!(Value::Object((*tool.input_schema).clone()), definition.input_schema);
    }
    let server = info.server_info.as_ref().expect("server info");
    assert_eq!(server.name, mcp::PRODUCT);
    assert_eq!(server.version, env!("CARGO_PKG_VERSION"));
    client.cancel().await?;
    Ok(())
}

#[tokio::test]
async fn an_agent_manages_tasks_and_every_change_lands_in_task_api() -> TestResult {
    // Arrange
    let p = platform().await;
    let client = p.connect("alice").await;

    // Act + Assert: add
    let added = answer(
        &call(
            &client,
            "add_task",
            json!({ "title": "Buy milk", "priority": "high", "tags": ["home"] }),
        )
        .await,
    );
    assert_eq!(added["status"], "created");
    assert_eq!(added["title"], "Buy milk");
    let id = added["task_id"].clone();
    let stored = p.task("alice", &id).await.expect("the task is in task-api");
    assert_eq!(stored["priority"], "high");
    answer(&call(&client, "add_task", json!({ "title": "Call the plumber" })).await);

    // list pending
    let pending = answer(&call(&client, "list_tasks", json!({ "status": "pending" })).await);
    let titles: Vec<_> = pending
        .as_array()
        .expect("a list")
        .iter()
        .map(|t| t["title"].clone())
        .collect();
    assert_eq!(titles, [json!("Buy milk"), json!("Call the plumber")]);

    // update
    let updated = answer(
        &call(
            &client,
            "update_task",
            json!({ "task_id": id, "title": "Buy oat milk" }),
        )
        .await,
    );
    assert_eq!(
        updated,
        json!({ "task_id": id, "status": "updated", "title": "Buy oat milk" })
    );
    assert_eq!(p.task("alice", &id).await.expect("task")["title"], "Buy oat milk");

    // complete
    let completed = answer(&call(&client, "complete_task", json!({ "task_id": id })).await);
    assert_eq!(completed["status"], "completed");
    assert_eq!(p.task("alice", &id).await.expect("task")["status"], "completed");
    let still_pending = answer(&call(&client, "list_tasks", json!({ "status": "pending" })).await);
    assert_eq!(still_pending.as_array().map(Vec::len), Some(1));

    // search
    let found = answer(&call(&client, "search_tasks", json!({ "query": "oat" })).await);
    let found = found.as_array().expect("a list");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["id"], id);

    // delete
    let deleted = answer(&call(&client, "delete_task", json!({ "task_id": id })).await);
    assert_eq!(
        deleted,
        json!({ "task_id": id, "status": "deleted", "title": "Buy oat milk" })
    );
    assert!(p.task("alice", &id).await.is_none(), "the task is gone from task-api");
    client.cancel().await?;
    Ok(())
}

#[tokio::test]
async fn a_failing_tool_is_an_error_result_with_a_readable_message() -> TestResult {
    // Arrange
    let p = platform().await;
    let client = p.connect("alice").await;

    // Act
    let missing = call(&client, "complete_task", json!({ "task_id": 999_999 })).await;
    let invalid = call(&client, "add_task", json!({ "title": "x", "colour": "red" })).await;
    let unknown = client.call_tool(CallToolRequestParams::new("drop_database")).await;

    // Assert
    assert_eq!(error_text(&missing), "task 999999 not found");
    assert!(error_text(&invalid).contains("unknown argument 'colour'"));
    assert!(unknown.is_err(), "an unknown tool is a protocol error");
    client.cancel().await?;
    Ok(())
}

#[tokio::test]
async fn a_request_without_a_valid_token_is_refused_with_a_401_problem() -> TestResult {
    // Arrange
    let p = platform().await;
    let initialize = json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": { "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": { "name": "t", "version": "1" } }
    });
    let post = |bearer: Option<&str>| {
        let mut request = p
            .http
            .post(&p.mcp)
            .header("accept", "application/json, text/event-stream")
            .json(&initialize);
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer);
        }
        request.send()
    };

    // Act
    let without = post(None).await?;
    let forged = post(Some("not-a-jwt")).await?;
    let with = post(Some(&token("alice"))).await?;
    let client = ().serve(StreamableHttpClientTransport::from_uri(p.mcp.as_str())).await;

    // Assert
    for response in [&without, &forged] {
        assert_eq!(response.status(), reqwest::StatusCode::UNAUTHORIZED);
        assert_eq!(response.headers()["content-type"], "application/problem+json");
        assert!(response.headers()["www-authenticate"].to_str()?.starts_with("Bearer"));
    }
    assert_eq!(without.json::<Value>().await?["status"], 401);
    assert_eq!(with.status(), reqwest::StatusCode::OK);
    assert!(client.is_err(), "rmcp's client cannot connect without a token");
    Ok(())
}

#[tokio::test]
async fn bob_cannot_touch_alices_tasks_through_mcp() -> TestResult {
    // Arrange
    let p = platform().await;
    let alice = p.connect("alice").await;
    let bob = p.connect("bob").await;
    let added = answer(&call(&alice, "add_task", json!({ "title": "Alice's secret" })).await);
    let id = added["task_id"].clone();

    // Act
    let complete = call(&bob, "complete_task", json!({ "task_id": id })).await;
    let delete = call(&bob, "delete_task", json!({ "task_id": id })).await;
    let listed = answer(&call(&bob, "list_tasks", json!({})).await);
    let claimed = call(&bob, "list_tasks", json!({ "user_id": "alice" })).await;

    // Assert
    assert!(error_text(&complete).contains("not found"));
    assert!(error_text(&delete).contains("not found"));
    assert_eq!(listed, json!([]));
    assert!(error_text(&claimed).contains("user_id"));
    assert_eq!(p.task("alice", &id).await.expect("still there")["status"], "pending");
    alice.cancel().await?;
    bob.cancel().await?;
    Ok(())
}

#[tokio::test]
async fn the_newest_protocol_works_statelessly_with_discovery() -> TestResult {
    // Arrange
    let p = platform().await;
    let config = StreamableHttpClientTransportConfig::with_uri(p.mcp.as_str()).auth_header(token("carol"));
    let lifecycle = ClientLifecycleMode::Discover {
        preferred_versions: vec![ProtocolVersion::V_2026_07_28],
    };

    // Act
    let client = ().serve_with_lifecycle(StreamableHttpClientTransport::from_config(config), lifecycle).await?;
    let tools = client.list_all_tools().await?;
    let added = answer(&call(&client, "add_task", json!({ "title": "Water the plants" })).await);
    let listed = call(&client, "list_tasks", json!({})).await;

    // Assert
    assert_eq!(tools.len(), 7);
    assert_eq!(added["status"], "created");
    assert_eq!(p.tasks("carol").await.len(), 1);
    assert_eq!(
        listed
            .structured_content
            .as_ref()
            .and_then(Value::as_array)
            .map(Vec::len),
        Some(1)
    );
    client.cancel().await?;
    Ok(())
}

#[tokio::test]
async fn the_callers_token_correlation_id_and_traceparent_reach_task_api() -> TestResult {
    // Arrange: a task-api stand-in that records what it was sent.
    let seen: Arc<Mutex<Vec<HeaderMap>>> = Arc::default();
    let recorder = seen.clone();
    let stub = axum::Router::new().route(
        "/api/tasks",
        post(move |headers: HeaderMap| async move {
            recorder.lock().expect("lock").push(headers);
            (
                axum::http::StatusCode::CREATED,
                axum::Json(json!({ "id": 7, "title": "Traced", "status": "pending" })),
            )
        }),
    );
    let task_api = serve(stub).await;
    let url = serve(mcp::router(task_tools(&task_api), auth())).await + mcp::PATH;
    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let headers = HashMap::from([
        (
            HeaderName::from_static("x-correlation-id"),
            HeaderValue::from_static("agent-run-42"),
        ),
        (
            HeaderName::from_static("traceparent"),
            HeaderValue::from_static(traceparent),
        ),
    ]);
    let alice = token("alice");
    let config = StreamableHttpClientTransportConfig::with_uri(url)
        .auth_header(alice.clone())
        .custom_headers(headers);
    let client = ().serve(StreamableHttpClientTransport::from_config(config)).await?;

    // Act
    let added = answer(&call(&client, "add_task", json!({ "title": "Traced" })).await);

    // Assert
    assert_eq!(added, json!({ "task_id": 7, "status": "created", "title": "Traced" }));
    let sent = seen
        .lock()
        .expect("lock")
        .first()
        .cloned()
        .expect("task-api was called");
    assert_eq!(sent["authorization"], format!("Bearer {alice}").as_str());
    assert_eq!(sent["x-correlation-id"], "agent-run-42");
    assert_eq!(sent["traceparent"], traceparent);
    client.cancel().await?;
    Ok(())
}

#[tokio::test]
async fn the_same_server_answers_over_a_byte_stream_as_over_stdio() -> TestResult {
    // Arrange: the server end of an in-memory pipe stands for stdin/stdout.
    let p = platform().await;
    let (client_end, server_end) = tokio::io::duplex(64 * 1024);
    let forwarded = Forwarded {
        bearer: Some(token("dave").into()),
        ..Forwarded::default()
    };
    let server = tokio::spawn(mcp::serve_io(
        task_tools(&p.task_api),
        "dave".to_owned(),
        forwarded,
        tokio::io::split(server_end),
    ));
    let client = ().serve(client_end).await?;

    // Act
    let tools = client.list_all_tools().await?;
    let added = answer(&call(&client, "add_task", json!({ "title": "Over stdio" })).await);
    let missing = call(&client, "delete_task", json!({ "task_id": 999_999 })).await;
    client.cancel().await?;

    // Assert
    assert_eq!(tools.len(), 7);
    assert_eq!(added["status"], "created");
    assert_eq!(p.tasks("dave").await[0]["title"], "Over stdio");
    assert_eq!(error_text(&missing), "task 999999 not found");
    let outcome = tokio::time::timeout(Duration::from_secs(5), server).await?;
    assert!(outcome?.is_ok(), "the server ends cleanly when the client leaves");
    Ok(())
}
