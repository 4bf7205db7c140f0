//! Two workers on one PostgreSQL database (two replicas of the function) share the queue without
//! ever sending a delivery twice.

use std::collections::HashSet;
use std::time::Duration;

use serde_json::json;

use crate::helpers::{Backend, open, settings, spawn, task_created};
use crate::receiver::Receiver;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_on_postgres_never_send_a_delivery_twice() {
    // Arrange: 40 deliveries, and a second notifier on the same database.
    let app = spawn(Backend::Postgres).await;
    let endpoint = Receiver::start_with(&[], Some(Duration::from_millis(20))).await;
    app.subscribe("alice", &endpoint.url, json!({})).await;
    for _ in 0..40 {
        app.deliver_event(&task_created("alice")).await;
    }
    let small_batches = notifier::Settings {
        max_in_flight: 5,
        ..settings()
    };
    let first = open(app.db.url(), small_batches.clone(), app.clock.clone()).await;
    let second = open(app.db.url(), small_batches, app.clock.clone()).await;
    // Act: both work the queue at the same time until it is empty.
    let work = |n: notifier::Notifier| async move {
        let mut sent = 0;
        loop {
            let round = n.worker.step().await.expect("a round");
            if round.is_empty() {
                return sent;
            }
            sent += round.len();
        }
    };
    let (a, b) = tokio::join!(work(first), work(second));
    // Assert
    let ids: Vec<String> = endpoint
        .received()
        .iter()
        .map(|r| r.header("webhook-id").to_owned())
        .collect();
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(ids.len(), 40, "every delivery was sent");
    assert_eq!(unique.len(), 40, "no delivery was sent twice");
    assert_eq!(a + b, 40);
    assert!(a > 0 && b > 0, "both workers took part ({a} and {b})");
    let sent_events = app
        .outbox()
        .await
        .iter()
        .filter(|(t, _)| t == "notification.sent")
        .count();
    assert_eq!(sent_events, 40);
}
