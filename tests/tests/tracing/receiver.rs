//! An OTLP/HTTP receiver in the test process: `POST /v1/traces` with JSON bodies (what our
//! exporters send), keeping every span with the `service.name` of its resource.

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::routing::post;
use serde_json::Value;

/// One received span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) service: String,
    pub(crate) name: String,
    pub(crate) trace_id: String,
    pub(crate) span_id: String,
    pub(crate) parent_span_id: String,
}

/// The spans received so far.
#[derive(Debug, Clone, Default)]
pub(crate) struct Received(Arc<Mutex<Vec<Span>>>);

impl Received {
    pub(crate) fn spans(&self) -> Vec<Span> {
        self.0.lock().expect("spans").clone()
    }

    fn add(&self, body: &Value) {
        let mut spans = self.0.lock().expect("spans");
        for resource in body["resourceSpans"].as_array().into_iter().flatten() {
            let service = resource["resource"]["attributes"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|a| a["key"] == "service.name")
                .and_then(|a| a["value"]["stringValue"].as_str())
                .unwrap_or("?")
                .to_owned();
            for scope in resource["scopeSpans"].as_array().into_iter().flatten() {
                for span in scope["spans"].as_array().into_iter().flatten() {
                    let text = |key: &str| span[key].as_str().unwrap_or_default().to_owned();
                    spans.push(Span {
                        service: service.clone(),
                        name: text("name"),
                        trace_id: text("traceId"),
                        span_id: text("spanId"),
                        parent_span_id: text("parentSpanId"),
                    });
                }
            }
        }
    }
}

/// Starts the receiver; the base URL to give as `OTEL_EXPORTER_OTLP_ENDPOINT`.
pub(crate) async fn start() -> (String, Received) {
    let received = Received::default();
    let sink = received.clone();
    let app = axum::Router::new().route(
        "/v1/traces",
        post(move |Json(body): Json<Value>| {
            let sink = sink.clone();
            async move {
                sink.add(&body);
                Json(serde_json::json!({}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), received)
}
