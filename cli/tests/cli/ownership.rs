//! The ownership sweep: on `todo serve`, where every function is mounted, the first user (the
//! local user) keeps a task with a history, a session with messages, a chat, a webhook with its
//! deliveries, analytics numbers and an audit trail; a second user then calls every route of
//! every function's OpenAPI document (plus the undocumented ones: the `/api/{user_id}/tasks`
//! compatibility routes, the event stream and the MCP tools) on those resources. A route that
//! names one of them must answer 404 (or 403 where the document says so), and no answer may
//! carry a byte of the first user's data (their markers, ids and user id). The first user's data
//! is unchanged afterwards.

use std::collections::BTreeSet;
use std::time::Duration;

use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use serde_json::{Value, json};

use crate::harness::Platform;

/// Text only the first user's resources hold.
const MARKER: &str = "zebra-7731";

/// The first user's resources, by the path parameter that names them.
struct Owned {
    task: String,
    session: String,
    webhook: String,
}

/// Every documented operation: `(method, path template, documented statuses)`.
fn documented() -> Vec<(String, String, BTreeSet<String>)> {
    crate::openapi_operations::operations()
        .into_iter()
        .map(|o| (o.method, o.path, o.statuses))
        .collect()
}

/// `template` with the first user's resources (or a stand-in for platform-wide ids); whether it
/// names one of the first user's resources.
fn concrete(template: &str, owned: &Owned) -> (String, bool) {
    let mut names_owned = false;
    let path = template
        .split('/')
        .enumerate()
        .map(|(i, segment)| {
            if !segment.starts_with('{') {
                return segment.to_owned();
            }
            let collection = template.split('/').nth(i - 1).unwrap_or_default();
            let value = match (collection, segment) {
                (_, "{user_id}") => Some("local".to_owned()),
                ("tasks", _) => Some(owned.task.clone()),
                ("sessions", _) => Some(owned.session.clone()),
                ("webhooks", _) => Some(owned.webhook.clone()),
                _ => None,
            };
            names_owned |= value.is_some();
            value.unwrap_or_else(|| "task-api".to_owned())
        })
        .collect::<Vec<_>>()
        .join("/");
    (path, names_owned)
}

/// A body that a route would accept from its owner, so that only ownership can refuse it.
fn body_for(method: &str, template: &str) -> Option<Value> {
    match (method, template) {
        ("PATCH", "/api/tasks/{id}") => Some(json!({"title": "taken over"})),
        ("PUT", "/api/tasks/{id}") => Some(json!({"title": "taken over", "description": null})),
        ("POST", "/api/sessions/{id}/messages") => Some(json!({"role": "user", "content": "injected"})),
        ("POST", "/api/chat") => Some(json!({"message": "show my tasks"})),
        ("POST", "/api/tasks") => Some(json!({"title": "mallory's own"})),
        ("POST", "/api/sessions") => Some(json!({})),
        ("POST", "/api/webhooks") => Some(json!({"url": "http://127.0.0.1:9/mallory"})),
        ("PUT", "/api/aiops/maintenance/{component}") => Some(json!({"until": "2030-01-01T00:00:00Z", "reason": "x"})),
        ("POST", "/api/aiops/alerts") => Some(json!({"alerts": []})),
        _ => None,
    }
}

/// The routes that are not in an OpenAPI document: the compatibility routes of task-api.
fn undocumented() -> Vec<(String, String, BTreeSet<String>)> {
    [
        ("GET", "/api/{user_id}/tasks"),
        ("POST", "/api/{user_id}/tasks"),
        ("GET", "/api/{user_id}/tasks/{id}"),
        ("PUT", "/api/{user_id}/tasks/{id}"),
        ("DELETE", "/api/{user_id}/tasks/{id}"),
        ("PATCH", "/api/{user_id}/tasks/{id}/complete"),
    ]
    .into_iter()
    .map(|(m, p)| {
        (
            m.to_owned(),
            p.to_owned(),
            BTreeSet::from(["403".to_owned(), "404".to_owned()]),
        )
    })
    .collect()
}

pub(crate) async fn a_second_user_reaches_none_of_the_first_users_data_on_any_route() {
    // Arrange: the first user's resources.
    let platform = Platform::start_with(None, &[("WEBHOOK_ALLOW_PRIVATE_TARGETS", "true")]);
    let local = platform.local_token();
    let mallory = platform.token_for("mallory", &[]);
    let http = reqwest::Client::new();
    let url = |path: &str| format!("{}{path}", platform.url);
    let send = |method: &str, path: &str, token: &str, body: Option<Value>| {
        let mut request = http
            .request(method.parse().expect("a method"), url(path))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        async move {
            let response = request.send().await.expect("send");
            let status = response.status().as_u16();
            (status, response.text().await.unwrap_or_default())
        }
    };
    let (status, task) = send(
        "POST",
        "/api/tasks",
        &local,
        Some(json!({"title": format!("Renew the passport {MARKER}"), "tags": ["private"]})),
    )
    .await;
    assert_eq!(status, 201, "{task}");
    let task: Value = serde_json::from_str(&task).expect("json");
    let task_id = task["id"].to_string();
    send(
        "PATCH",
        &format!("/api/tasks/{task_id}"),
        &local,
        Some(json!({"description": format!("at the town hall {MARKER}")})),
    )
    .await;
    let (status, session) = send("POST", "/api/sessions", &local, Some(json!({}))).await;
    assert_eq!(status, 201, "{session}");
    let session: Value = serde_json::from_str(&session).expect("json");
    let session_id = session["id"].as_str().expect("an id").to_owned();
    let (status, message) = send(
        "POST",
        &format!("/api/sessions/{session_id}/messages"),
        &local,
        Some(json!({"role": "user", "content": format!("a secret of {MARKER}")})),
    )
    .await;
    assert_eq!(status, 201, "{message}");
    send(
        "POST",
        "/api/chat",
        &local,
        Some(json!({"message": format!("add buy {MARKER} tomorrow")})),
    )
    .await;
    let (status, webhook) = send(
        "POST",
        "/api/webhooks",
        &local,
        Some(json!({"url": format!("http://127.0.0.1:9/{MARKER}"), "description": MARKER})),
    )
    .await;
    assert_eq!(status, 201, "{webhook}");
    let webhook: Value = serde_json::from_str(&webhook).expect("json");
    let owned = Owned {
        task: task_id.clone(),
        session: session_id.clone(),
        webhook: webhook["id"].as_str().expect("an id").to_owned(),
    };
    // What must never reach the second user: the markers, the first user's ids and user id.
    let forbidden = [
        MARKER.to_owned(),
        owned.session.clone(),
        owned.webhook.clone(),
        webhook["secret"].as_str().expect("a secret").to_owned(),
        "\"local\"".to_owned(),
        format!("\"id\":{task_id},"),
    ];
    let leaks = |text: &str| {
        forbidden
            .iter()
            .filter(|f| text.contains(f.as_str()))
            .cloned()
            .collect::<Vec<_>>()
    };
    // The second user's own audit trail names the ids the second user sent (that is what it is
    // for); the first user's text, secret and user id must not be there either.
    let leaks_in = |path: &str, text: &str| {
        let found = leaks(text);
        if path.starts_with("/api/audit") {
            found
                .into_iter()
                .filter(|f| *f != owned.session && *f != owned.webhook)
                .collect()
        } else {
            found
        }
    };

    // Act and assert: every route, as the second user.
    let mut operations = documented();
    assert!(
        operations.len() >= 30,
        "every function's document was read: {}",
        operations.len()
    );
    operations.extend(undocumented());
    let mut failures = Vec::new();
    for (method, template, statuses) in &operations {
        let (path, names_owned) = concrete(template, &owned);
        let (status, text) = send(method, &path, &mallory, body_for(method, template)).await;
        let found: Vec<String> = leaks_in(&path, &text);
        if !found.is_empty() {
            failures.push(format!("{method} {path} ({status}) shows {found:?}: {text}"));
        }
        let refused = status == 404 || (status == 403 && statuses.contains("403"));
        if names_owned && !refused {
            failures.push(format!(
                "{method} {path} answered {status}, not 404 (403 only where documented): {text}"
            ));
        }
    }

    // The event stream: the first user's next change never reaches the second user.
    let mut stream = http
        .get(url("/api/stream"))
        .bearer_auth(&mallory)
        .send()
        .await
        .expect("stream");
    assert_eq!(stream.status(), 200);
    send(
        "PATCH",
        &format!("/api/tasks/{task_id}"),
        &local,
        Some(json!({"title": format!("Renew the passport soon {MARKER}")})),
    )
    .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    let mut seen = Vec::new();
    while let Ok(Ok(Some(chunk))) = tokio::time::timeout_at(deadline, stream.chunk()).await {
        seen.extend_from_slice(&chunk);
    }
    let found = leaks(&String::from_utf8_lossy(&seen));
    if !found.is_empty() {
        failures.push(format!("/api/stream shows {found:?}"));
    }

    // The MCP tools: none acts on or shows the first user's task.
    let config = StreamableHttpClientTransportConfig::with_uri(url("/mcp")).auth_header(mallory.clone());
    let client = ().serve(StreamableHttpClientTransport::from_config(config)).await.expect("MCP");
    let id: i64 = task_id.parse().expect("a number");
    for (tool, arguments) in [
        ("list_tasks", json!({})),
        ("search_tasks", json!({"query": MARKER})),
        ("update_task", json!({"id": id, "title": "taken over"})),
        ("complete_task", json!({"id": id})),
        ("reopen_task", json!({"id": id})),
        ("delete_task", json!({"id": id})),
    ] {
        let Value::Object(arguments) = arguments else {
            unreachable!()
        };
        let result = client
            .call_tool(CallToolRequestParams::new(tool).with_arguments(arguments))
            .await;
        let text = format!("{result:?}");
        let found = leaks(&text);
        if !found.is_empty() {
            failures.push(format!("MCP {tool} shows {found:?}"));
        }
        if tool != "list_tasks" && tool != "search_tasks" && !text.contains("is_error: Some(true)") {
            failures.push(format!("MCP {tool} on the first user's task did not fail: {text}"));
        }
    }
    let _ = client.cancel().await;

    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let (status, kept) = send("GET", &format!("/api/tasks/{task_id}"), &local, None).await;
    assert_eq!(status, 200);
    let kept: Value = serde_json::from_str(&kept).expect("json");
    assert_eq!(
        kept["title"],
        format!("Renew the passport soon {MARKER}"),
        "only the owner changed it"
    );
    assert_eq!(kept["status"], "pending");
    let (status, _) = send("GET", &format!("/api/webhooks/{}", owned.webhook), &local, None).await;
    assert_eq!(status, 200, "the webhook is still there");
    let (status, _) = send("GET", &format!("/api/sessions/{session_id}"), &local, None).await;
    assert_eq!(status, 200, "the session is still there");
}
