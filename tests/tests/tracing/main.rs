//! One user action is one trace: a chat message through the real function binaries (chat-api,
//! session-api, task-api on PostgreSQL, outbox-relay and analytics on Kafka), each exporting its
//! spans over OTLP to a receiver in this test, ends as spans of at least four services under one
//! trace id, each span's parent among them.

mod receiver;

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use receiver::Span;
use todo_testing::TestDatabase;
use todo_tests::processes::{Functions, SECRET, free_port, wait_healthy};

/// The trace holding a span of every service in `services`, once its spans arrived.
fn trace_across(spans: &[Span], services: &[&str]) -> Option<Vec<Span>> {
    let mut by_trace: HashMap<&str, Vec<Span>> = HashMap::new();
    for span in spans {
        by_trace.entry(span.trace_id.as_str()).or_default().push(span.clone());
    }
    by_trace.into_values().find(|trace| {
        let present: BTreeSet<&str> = trace.iter().map(|s| s.service.as_str()).collect();
        services.iter().all(|s| present.contains(s))
    })
}

fn parent_of<'a>(trace: &'a [Span], span: &Span) -> Option<&'a Span> {
    trace.iter().find(|s| s.span_id == span.parent_span_id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_message_is_one_trace_across_the_functions() {
    // Arrange
    let brokers = todo_tests::kafka_brokers();
    let (otlp, received) = receiver::start().await;
    let db = TestDatabase::postgres().await;
    // The task tables exist before the relay and analytics look at them.
    todo_tasks::store::connect(db.url()).await.expect("migrate");
    let prefix = format!("trace{}.", std::process::id());
    let bus = format!("kafka://{brokers}");
    let common = |extra: &[(&'static str, String)]| -> Vec<(&'static str, String)> {
        let mut env = vec![
            ("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.clone()),
            ("DATABASE_URL", db.url().to_owned()),
            ("TOPIC_PREFIX", prefix.clone()),
        ];
        env.extend(extra.iter().cloned());
        env
    };
    let ports: HashMap<&str, u16> = ["task-api", "session-api", "chat-api", "outbox-relay", "analytics"]
        .into_iter()
        .map(|name| (name, free_port()))
        .collect();
    let url = |name: &str| format!("http://127.0.0.1:{}", ports[name]);
    let mut functions = Functions::default();
    functions.start("task-api", ports["task-api"], &common(&[]));
    functions.start("session-api", ports["session-api"], &common(&[]));
    functions.start(
        "chat-api",
        ports["chat-api"],
        &common(&[
            ("TASK_API_URL", url("task-api")),
            ("SESSION_API_URL", url("session-api")),
        ]),
    );
    functions.start(
        "outbox-relay",
        ports["outbox-relay"],
        &common(&[("EVENT_BUS", bus.clone())]),
    );
    functions.start("analytics", ports["analytics"], &common(&[("EVENT_BUS", bus.clone())]));
    for port in ports.values() {
        wait_healthy(*port).await;
    }
    let token = todo_kit::auth::mint_hs256(SECRET.as_bytes(), "tracy", Duration::from_secs(600)).expect("token");

    // Act
    let response = reqwest::Client::new()
        .post(format!("{}/api/chat", url("chat-api")))
        .bearer_auth(&token)
        .json(&serde_json::json!({"message": "add buy oat milk tomorrow at 9am"}))
        .send()
        .await
        .expect("chat");
    assert!(response.status().is_success(), "chat answered {}", response.status());

    // Assert
    let services = ["chat-api", "session-api", "task-api", "outbox-relay", "analytics"];
    let mut trace = None;
    for _ in 0..300 {
        trace = trace_across(&received.spans(), &services);
        if trace.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if trace.is_none() {
        let seen: BTreeSet<String> = received
            .spans()
            .iter()
            .map(|s| format!("{}: {}", s.service, s.name))
            .collect();
        panic!("no trace spans {services:?}; received {seen:#?}");
    }
    // Spans still in flight (a batch a little behind) get a moment to arrive.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let trace = trace_across(&received.spans(), &services).expect("the trace");
    let roots: Vec<&Span> = trace.iter().filter(|s| s.parent_span_id.is_empty()).collect();
    assert_eq!(roots.len(), 1, "one root: {roots:#?}");
    assert_eq!(roots[0].service, "chat-api", "the chat request starts the trace");
    for span in &trace {
        if !span.parent_span_id.is_empty() {
            assert!(
                parent_of(&trace, span).is_some(),
                "the parent of {span:?} is in the trace"
            );
        }
    }
    let server = |service: &str, name: &str| {
        trace
            .iter()
            .find(|s| s.service == service && s.name == name)
            .unwrap_or_else(|| panic!("no span '{name}' of {service} in {trace:#?}"))
    };
    let create = server("task-api", "POST /api/tasks");
    let caller = parent_of(&trace, create).expect("the create's parent");
    assert_eq!(
        (caller.service.as_str(), caller.name.as_str()),
        ("chat-api", "POST task-api")
    );
    let publish = server("outbox-relay", "publish task.created");
    assert_eq!(
        parent_of(&trace, publish).map(|p| p.span_id.as_str()),
        Some(create.span_id.as_str())
    );
    let handled = server("analytics", "analytics task.created");
    assert_eq!(
        parent_of(&trace, handled).map(|p| p.span_id.as_str()),
        Some(create.span_id.as_str()),
        "the consumer continues the producer's span"
    );
    drop(functions);
}
