//! The audit trail through a real server: a user's read of a resource, an anonymous attempt and a
//! rate-limited burst (a user's, and an address's before any token is read) are each one JSON line under target `audit` naming who, the route template
//! and resource id, the outcome and status, the request id and the client address; probes are not
//! recorded; with a publisher started, each is also an `audit.recorded` event on `audit-events`
//! keyed by actor. Its own binary: the test installs the process's global subscriber and
//! publisher.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::Path;
use axum::routing::get;
use secrecy::SecretString;
use serde_json::Value;
use todo_kit::auth::{AuthSettings, mint_hs256};
use todo_kit::bus::EventBus;
use todo_kit::limits::{Budget, EdgeSettings, LimitSettings};
use todo_kit::serve::Server;
use todo_kit::telemetry::json::JsonLines;
use todo_kit::{AuthUser, Authenticator};
use tracing_subscriber::Layer as _;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

const SECRET: &str = "audit-test-secret-of-at-least-32-bytes!";

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("buffer").extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn audit_lines(buffer: &Buffer) -> Vec<Value> {
    let bytes = buffer.0.lock().expect("buffer").clone();
    String::from_utf8(bytes)
        .expect("UTF-8")
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("JSON"))
        .filter(|l| l["target"] == "audit")
        .collect()
}

#[tokio::test]
async fn data_requests_and_refusals_are_one_audit_line_each_and_probes_are_not() {
    // Arrange: the audit lines go to a buffer; alice may make 3 requests a minute.
    let buffer = Buffer::default();
    let writer = buffer.clone();
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(move || writer.clone())
                .event_format(JsonLines::new("audit-test"))
                .fmt_fields(tracing_subscriber::fmt::format::JsonFields::new())
                .with_filter(tracing_subscriber::filter::Targets::new().with_target("audit", tracing::Level::INFO)),
        )
        .try_init()
        .expect("the only subscriber of this binary");
    let auth = Arc::new(
        Authenticator::new(&AuthSettings {
            jwt_secret: Some(SecretString::from(SECRET)),
            ..AuthSettings::default()
        })
        .expect("auth"),
    );
    let routes = Router::new()
        .route(
            "/api/things/{id}",
            get(|user: AuthUser, Path(id): Path<String>| async move { format!("{id} of {}", user.user_id) }),
        )
        .route("/healthz", get(|| async { "ok" }))
        .route(
            "/api/secret",
            get(|_: AuthUser| async {
                (
                    axum::Extension(todo_kit::audit::AuditEvent::WEBHOOK_SECRET_SHOWN),
                    "whsec_x",
                )
            }),
        )
        .with_state(auth);
    let edge = EdgeSettings {
        limits: LimitSettings {
            per_user: Some(Budget::per_minute(1, 3)),
            // Loopback makes 8 requests; a flooder behind our proxy makes 11.
            per_ip: Some(Budget::per_minute(1, 10)),
            ..LimitSettings::default()
        },
        ..EdgeSettings::default()
    };
    let server = Server::bind(
        "127.0.0.1:0".parse().unwrap(),
        todo_kit::layers::standard_with(routes, &edge),
    )
    .await
    .expect("bind");
    let url = format!("http://{}", server.local_addr().expect("address"));
    tokio::spawn(server.run_until_stopped());
    let bus = Arc::new(todo_kit::bus::MemoryBus::new());
    let shared: Arc<dyn todo_kit::bus::EventBus> = bus.clone();
    todo_kit::audit::publish_to(shared.clone(), "things-api", "test.").expect("the first publisher");
    assert!(
        todo_kit::audit::publish_to(shared, "again", "").is_none(),
        "one per process"
    );
    let client = reqwest::Client::new();
    let token = mint_hs256(SECRET.as_bytes(), "alice", Duration::from_secs(600)).expect("token");

    // Act
    let read = client
        .get(format!("{url}/api/things/42"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let anonymous = client.get(format!("{url}/api/things/7")).send().await.unwrap();
    let bob = mint_hs256(SECRET.as_bytes(), "bob", Duration::from_secs(600)).expect("token");
    let shown = client
        .get(format!("{url}/api/secret"))
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap();
    client.get(format!("{url}/healthz")).send().await.unwrap();
    let mut last = None;
    for _ in 0..3 {
        last = Some(
            client
                .get(format!("{url}/api/things/42"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap(),
        );
    }

    let huge = client
        .get(format!("{url}/api/things/9"))
        .header("x-padding", "p".repeat(20_000))
        .send()
        .await
        .unwrap();
    let mut flooded = None;
    for _ in 0..11 {
        flooded = Some(
            client
                .get(format!("{url}/api/things/5"))
                .header("x-forwarded-for", "203.0.113.9")
                .send()
                .await
                .unwrap(),
        );
    }

    // Assert
    assert_eq!(huge.status(), 431);
    assert_eq!(read.status(), 200);
    assert_eq!(anonymous.status(), 401);
    assert_eq!(shown.status(), 200);
    assert_eq!(last.expect("sent").status(), 429);
    assert_eq!(flooded.expect("sent").status(), 429);
    let lines = audit_lines(&buffer);
    assert_eq!(
        lines.len(),
        18,
        "a read, the refusal, the secret, two more reads, the 431, 10 refusals and the flood's 429, no probe: {lines:#?}"
    );
    let flood = &lines[17];
    assert_eq!(flood["actor"], "anonymous", "refused before any token is read");
    assert_eq!(flood["outcome"], "rate_limited");
    assert_eq!(flood["status"], 429);
    assert_eq!(flood["client"], "203.0.113.9", "the address behind our proxy");
    assert_eq!(flood["resource_id"], "5");
    assert_eq!(lines[6]["status"], 431, "refused at the edge, recorded all the same");
    assert_eq!(lines[6]["actor"], "anonymous");
    assert_eq!(lines[6]["outcome"], "refused");
    assert_eq!(lines[6]["resource_id"], "9");
    assert_eq!(lines[0]["event"], "request");
    assert_eq!(lines[2]["event"], "webhook_secret_shown", "{:#}", lines[2]);
    assert_eq!(lines[2]["actor"], "bob");
    let first = &lines[0];
    assert_eq!(first["actor"], "alice");
    assert_eq!(first["method"], "GET");
    assert_eq!(first["route"], "/api/things/{id}");
    assert_eq!(first["resource_id"], "42");
    assert_eq!(first["outcome"], "allowed");
    assert_eq!(first["status"], 200);
    assert_eq!(first["client"], "127.0.0.1");
    assert_eq!(first["level"], "INFO");
    assert!(first["request_id"].as_str().is_some_and(|id| !id.is_empty()), "{first}");
    assert_eq!(lines[1]["actor"], "anonymous");
    assert_eq!(lines[1]["outcome"], "unauthenticated");
    assert_eq!(lines[1]["resource_id"], "7");
    let limited = &lines[5];
    assert_eq!(limited["actor"], "alice", "the refused user is named");
    assert_eq!(limited["outcome"], "rate_limited");
    assert_eq!(limited["status"], 429);

    // The same records as events, in order per actor.
    bus.ensure_topic("test.audit-events", 3).await.expect("topic");
    let mut subscription = bus
        .subscribe("reader", &["test.audit-events".to_owned()])
        .await
        .expect("subscribe");
    let mut events = Vec::new();
    while events.len() < 18 {
        let delivery = tokio::time::timeout(Duration::from_secs(5), subscription.next())
            .await
            .expect("every record is published")
            .expect("a delivery");
        let event =
            todo_events::DomainEvent::from_cloudevent(&delivery.event.expect("an event")).expect("a catalog event");
        events.push(event);
    }
    let alice: Vec<_> = events
        .iter()
        .filter_map(|e| match &e.payload {
            todo_events::EventPayload::AuditRecorded(r) if r.actor == "alice" => Some(r.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(alice.len(), 4, "{events:?}");
    assert_eq!(alice[0].service, "things-api");
    assert_eq!(alice[0].route, "/api/things/{id}");
    assert_eq!(alice[0].resource_id.as_deref(), Some("42"));
    assert_eq!(alice[3].outcome, "rate_limited");
    assert_eq!(events[0].source, "/functions/things-api");
}
