//! The same app over a real socket, as Knative serves it: one request end to end.

use std::time::Duration;

use todo_kit::auth::mint_hs256;
use todo_kit::serve::Server;

use crate::helpers::{SECRET, spawn_app};

#[tokio::test]
async fn the_summary_answers_over_a_real_socket() {
    // Arrange
    let app = spawn_app().await;
    let server = Server::bind("127.0.0.1:0".parse().expect("address"), app.router.clone())
        .await
        .expect("bind");
    let address = server.local_addr().expect("address");
    tokio::spawn(server.run_until_stopped());
    let token = mint_hs256(SECRET.as_bytes(), "alice", Duration::from_secs(60)).expect("token");

    // Act
    let response = reqwest::Client::new()
        .get(format!(
            "http://{address}/api/analytics/summary?from=2026-03-01&to=2026-03-07"
        ))
        .bearer_auth(token)
        .send()
        .await
        .expect("send");

    // Assert
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.headers().contains_key("x-request-id"),
        "the standard layers are on"
    );
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(
        (body["created"].as_i64(), body["completed"].as_i64()),
        (Some(7), Some(3))
    );
}
