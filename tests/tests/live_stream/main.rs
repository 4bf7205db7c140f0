//! Live updates in the cluster shape: task-api with `EVENT_BUS=kafka://...` serves
//! `GET /api/stream`, fed by its own consumer group on `task-events`, which the outbox relay fills.
//! A task created through the API reaches the stream of its owner, and only of its owner.

use std::time::Duration;

use todo_testing::TestDatabase;
use todo_tests::processes::{Functions, SECRET, free_port, wait_healthy};

/// Reads the stream until an event of `event_type` arrives (its `data` line), or nothing came for `wait`.
async fn next_event(response: &mut reqwest::Response, event_type: &str, wait: Duration) -> Option<String> {
    let mut buffer = String::new();
    loop {
        let chunk = tokio::time::timeout(wait, response.chunk()).await.ok()?.ok()??;
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let kind = block.lines().find_map(|l| l.strip_prefix("event:")).map(str::trim);
            if kind == Some(event_type) {
                return block
                    .lines()
                    .find_map(|l| l.strip_prefix("data:"))
                    .map(|d| d.trim().to_owned());
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_created_task_reaches_its_owners_stream_through_kafka() {
    // Arrange
    let brokers = todo_tests::kafka_brokers();
    let db = TestDatabase::postgres().await;
    todo_tasks::store::connect(db.url()).await.expect("migrate");
    let env = [
        ("DATABASE_URL", db.url().to_owned()),
        ("EVENT_BUS", format!("kafka://{brokers}?fetch_wait_ms=10")),
        ("TOPIC_PREFIX", format!("live{}.", std::process::id())),
    ];
    let (api, relay) = (free_port(), free_port());
    let mut functions = Functions::default();
    functions.start("outbox-relay", relay, &env);
    functions.start("task-api", api, &env);
    wait_healthy(relay).await;
    wait_healthy(api).await;
    let token =
        |user: &str| todo_kit::auth::mint_hs256(SECRET.as_bytes(), user, Duration::from_secs(600)).expect("token");
    let http = reqwest::Client::new();
    let stream = |user: &str| {
        http.get(format!("http://127.0.0.1:{api}/api/stream"))
            .bearer_auth(token(user))
            .send()
    };
    let mut alice = stream("alice").await.expect("alice's stream");
    let mut bob = stream("bob").await.expect("bob's stream");
    assert_eq!(alice.status(), reqwest::StatusCode::OK);

    let create = |user: &str, title: &str| {
        http.post(format!("http://127.0.0.1:{api}/api/tasks"))
            .bearer_auth(token(user))
            .json(&serde_json::json!({"title": title}))
            .send()
    };
    // The feed starts at the end of the topic once its consumer is assigned its partitions:
    // alice's warm-up tasks show when it is live.
    let mut live = false;
    for _ in 0..30 {
        let created = create("alice", "warm-up").await.expect("create");
        assert_eq!(created.status(), reqwest::StatusCode::CREATED);
        if next_event(&mut alice, "task.created", Duration::from_secs(1))
            .await
            .is_some()
        {
            live = true;
            break;
        }
    }
    assert!(live, "the live feed showed none of alice's tasks");

    // Act: bob's task first, then alice's, so that bob's stream has something to show if it leaks.
    for (user, title) in [("bob", "bob's task"), ("alice", "alice's task")] {
        let created = create(user, title).await.expect("create");
        assert_eq!(created.status(), reqwest::StatusCode::CREATED);
    }

    // Assert (warm-up tasks still on their way are passed over)
    let long = Duration::from_secs(30);
    let event = loop {
        let data = next_event(&mut alice, "task.created", long)
            .await
            .expect("alice's event");
        let event: serde_json::Value = serde_json::from_str(&data).expect("a CloudEvent");
        if event["data"]["title"] != "warm-up" {
            break event;
        }
    };
    assert_eq!(event["data"]["title"], "alice's task");
    assert_eq!(event["userid"], "alice");
    let data = next_event(&mut bob, "task.created", long).await.expect("bob's event");
    let event: serde_json::Value = serde_json::from_str(&data).expect("a CloudEvent");
    assert_eq!(event["data"]["title"], "bob's task");
    // Alice's event reached the feed (her stream got it); bob's stream never shows it.
    let leaked = next_event(&mut bob, "task.created", Duration::from_secs(2)).await;
    assert_eq!(leaked, None, "bob's stream showed another user's event");
    drop(functions);
}
