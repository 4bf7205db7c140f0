//! A task created through task-api on PostgreSQL reaches `task-events` as a plain Kafka record that
//! a client we did not write reads: the confluent-kafka Python package (`tests/python/read_events.py`,
//! installed into `.venv-tools` by `scripts/tansu.sh`) sees the CloudEvents binary-mode headers
//! (`ce_type: task.created`, ...), the task id as the key and the JSON payload as the value.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use outbox_relay::RelaySettings;
use serde_json::{Value, json};
use todo_kit::auth::mint_hs256;
use todo_kit::bus::EventBus;
use todo_testing::TestDatabase;
use todo_tests::RunningRelays;

const SECRET: &str = "python-client-test-secret-0123456789";

/// The Python of `.venv-tools` (or `KAFKA_PYTHON`), which has confluent-kafka.
fn python() -> PathBuf {
    if let Ok(path) = std::env::var("KAFKA_PYTHON") {
        return PathBuf::from(path);
    }
    let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv-tools/bin/python");
    assert!(
        python.exists(),
        "no {}: run `bash scripts/tansu.sh` (it installs confluent-kafka there) or set KAFKA_PYTHON",
        python.display()
    );
    python
}

/// Reads `count` records of `topic` with confluent-kafka; one JSON object per record.
async fn read_with_python(brokers: &str, topic: &str, count: usize) -> Vec<Value> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("python/read_events.py");
    let output = tokio::process::Command::new(python())
        .arg(script)
        .args([brokers, topic, &count.to_string(), "30"])
        .output()
        .await
        .expect("run the Python reader");
    assert!(
        output.status.success(),
        "the Python reader failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("utf-8")
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_created_through_task_api_is_a_cloudevent_confluent_kafka_reads() {
    // Arrange: task-api on PostgreSQL, a relay to the broker under topics of this test's own.
    let brokers = todo_tests::kafka_brokers();
    let prefix = format!("pyclient{}.", std::process::id());
    let db = TestDatabase::postgres().await;
    let store = todo_tasks::store::connect(db.url()).await.expect("store");
    let api = todo_tests::serve_task_api(store.clone(), SECRET).await;
    let bus: Arc<dyn EventBus> = todo_kit::bus::connect(&format!("kafka://{brokers}"), 1).expect("kafka");
    let relay = outbox_relay::task_relay(
        store.clone(),
        bus,
        RelaySettings {
            topic_prefix: prefix.clone(),
            ..RelaySettings::default()
        },
    );
    relay.ensure_topics().await.expect("topics");
    let running = RunningRelays::start(vec![relay]);

    // Act: create a task over HTTP.
    let token = mint_hs256(SECRET.as_bytes(), "alice", Duration::from_secs(600)).expect("token");
    let response = reqwest::Client::new()
        .post(format!("{api}/api/tasks"))
        .bearer_auth(token)
        .json(&json!({ "title": "Read me from Python", "priority": "high", "tags": ["interop"] }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), reqwest::StatusCode::CREATED);
    let task: Value = response.json().await.expect("task");
    let task_id = task["id"].as_i64().expect("id");
    let event_id: String = {
        let pool = sqlx::PgPool::connect(db.url()).await.expect("connect");
        sqlx::query_scalar("SELECT event_id::text FROM outbox WHERE event_type = 'task.created'")
            .fetch_one(&pool)
            .await
            .expect("the outbox row")
    };

    // Assert: confluent-kafka reads exactly that event, in binary content mode.
    let records = read_with_python(&brokers, &format!("{prefix}task-events"), 1).await;
    let _ = running.stop().await;
    let [record] = records.as_slice() else {
        panic!("expected one record, got {records:?}");
    };
    let headers = &record["headers"];
    assert_eq!(headers["ce_type"], "task.created", "{record}");
    assert_eq!(headers["ce_specversion"], "1.0");
    assert_eq!(headers["ce_id"], event_id.as_str());
    assert_eq!(headers["ce_source"], "/functions/task-api");
    assert!(
        chrono::DateTime::parse_from_rfc3339(headers["ce_time"].as_str().expect("ce_time")).is_ok(),
        "ce_time is RFC 3339: {}",
        headers["ce_time"]
    );
    assert!(
        headers["content-type"]
            .as_str()
            .is_some_and(|t| t.starts_with("application/json")),
        "content-type: {}",
        headers["content-type"]
    );
    assert_eq!(record["key"], task_id.to_string(), "the partition key is the task id");
    let value = &record["value"];
    assert_eq!(value["task_id"], task_id);
    assert_eq!(value["title"], "Read me from Python");
    assert_eq!(value["priority"], "high");
    assert_eq!(value["tags"], json!(["interop"]));
}
