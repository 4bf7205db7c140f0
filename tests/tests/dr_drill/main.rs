//! The disaster-recovery drill (issue 16): task-api on PostgreSQL takes writes continuously while
//! the relay publishes them to Kafka and the archiver keeps them in S3; a backup is taken in the
//! middle; writing goes on; the database is destroyed; `todo restore` loads the backup into a new
//! empty one and `todo replay --after-backup` puts back what happened since, from the archive.
//! Every write the API acknowledged must then be there as acknowledged.
//!
//! Prints RPO (acknowledged writes lost; the target is 0) and RTO (from the start of the restore
//! to task-api answering again with every write checked). `make test` runs a small drill
//! (`DR_DRILL_TASKS`, default 400); `make dr-drill` runs it with 100,000 tasks.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use outbox_relay::RelaySettings;
use serde_json::{Value, json};
use sqlx::Connection;
use todo_kit::auth::mint_hs256;
use todo_testing::{TestDatabase, TestObjectStore};
use todo_tests::RunningRelays;

const SECRET: &str = "dr-drill-secret-0123456789abcdef0123";
const WRITERS: usize = 8;

fn tasks() -> usize {
    std::env::var("DR_DRILL_TASKS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(400)
}

/// What the API acknowledged last for each task id.
type Acknowledged = Arc<Mutex<BTreeMap<i64, Value>>>;

/// Creates `count` tasks through the API from several writers, completing every fifth, and
/// records each acknowledged state.
async fn write(api: &str, token: &str, from: usize, count: usize, acked: &Acknowledged) {
    let client = reqwest::Client::new();
    let mut writers = tokio::task::JoinSet::new();
    for writer in 0..WRITERS {
        let (client, api, token, acked) = (client.clone(), api.to_owned(), token.to_owned(), acked.clone());
        writers.spawn(async move {
            for n in (from + writer..from + count).step_by(WRITERS) {
                let priority = ["low", "medium", "high", "urgent"][n % 4];
                let response = client
                    .post(format!("{api}/api/tasks"))
                    .bearer_auth(&token)
                    .json(&json!({
                        "title": format!("drill task {n}"),
                        "priority": priority,
                        "tags": [format!("batch{}", n / 100)],
                        "due_at": "2031-05-06T07:08:09Z",
                    }))
                    .send()
                    .await
                    .expect("create");
                assert_eq!(response.status(), reqwest::StatusCode::CREATED);
                let mut task: Value = response.json().await.expect("task");
                let id = task["id"].as_i64().expect("id");
                if n % 5 == 0 {
                    let response = client
                        .post(format!("{api}/api/tasks/{id}/complete"))
                        .bearer_auth(&token)
                        .send()
                        .await
                        .expect("complete");
                    assert!(response.status().is_success(), "{}", response.status());
                    task = response.json().await.expect("task");
                }
                acked.lock().expect("acks").insert(id, task);
            }
        });
    }
    writers.join_all().await;
}

/// Runs the `todo` command, failing with its output.
fn todo(args: &[&str]) -> String {
    let output = std::process::Command::new(todo_tests::processes::binary("todo"))
        .args(args)
        .envs(todo_testing::s3_test_env())
        .output()
        .expect("run todo");
    assert!(
        output.status.success(),
        "todo {args:?}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Acknowledged writes whose acknowledged state task-api does not show (checked 16 at a time).
async fn lost(api: &str, token: &str, acked: &BTreeMap<i64, Value>) -> Vec<i64> {
    use futures_util::StreamExt;
    let client = reqwest::Client::new();
    let checks = acked.iter().map(|(id, expected)| {
        let (client, url) = (client.clone(), format!("{api}/api/tasks/{id}"));
        async move {
            let found: Option<Value> = match client.get(url).bearer_auth(token).send().await {
                Ok(response) if response.status().is_success() => response.json().await.ok(),
                _ => None,
            };
            let same = found.is_some_and(|found| {
                [
                    "id",
                    "title",
                    "priority",
                    "tags",
                    "due_at",
                    "status",
                    "completed_at",
                    "created_at",
                    "version",
                ]
                .iter()
                .all(|field| found[field] == expected[field])
            });
            (!same).then_some(*id)
        }
    });
    let mut lost: Vec<i64> = futures_util::stream::iter(checks)
        .buffer_unordered(16)
        .filter_map(|id| async move { id })
        .collect()
        .await;
    lost.sort_unstable();
    lost
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_destroyed_database_comes_back_with_every_acknowledged_write() {
    let total = tasks();
    let db = TestDatabase::postgres().await;
    let store = todo_tasks::store::connect(db.url()).await.expect("store");
    let api = todo_tests::serve_task_api(store.clone(), SECRET).await;
    let token = mint_hs256(SECRET.as_bytes(), "drill", Duration::from_secs(3600)).expect("token");
    let run = uuid::Uuid::new_v4().simple().to_string();
    let prefix = format!("dr{run}.");
    let (archive_store, backup_store) = (TestObjectStore::s3(), TestObjectStore::s3());
    let (archive_url, backups_url) = (archive_store.url(), backup_store.url());
    let bus = todo_kit::bus::connect(&format!("kafka://{}", todo_testing::kafka_brokers()), 1).expect("kafka");
    let relay = outbox_relay::task_relay(
        store.clone(),
        bus.clone(),
        RelaySettings {
            poll: Duration::from_millis(100),
            topic_prefix: prefix.clone(),
            ..RelaySettings::default()
        },
    );
    relay.ensure_topics().await.expect("topics");
    let relays = RunningRelays::start(vec![relay]);
    let archive = archiver::Archive::new(archive_store.store());
    let (stop_archiver, archiver_stopped) = tokio::sync::oneshot::channel::<()>();
    let archiving = {
        let (bus, archive) = (bus.clone(), archive.clone());
        let topics = archiver::FUNCTION.consumed_topics(&prefix);
        let settings = archiver::BatchSettings {
            max_wait: Duration::from_millis(200),
            topic_prefix: prefix.clone(),
            group: format!("archiver-{prefix}"),
            ..archiver::BatchSettings::default()
        };
        tokio::spawn(async move {
            archiver::archive_until_shutdown(bus.as_ref(), &archive, &topics, &settings, async {
                let _ = archiver_stopped.await;
            })
            .await;
        })
    };

    // Writes, a backup in the middle, more writes.
    let acked: Acknowledged = Arc::default();
    let half = total / 2;
    write(&api, &token, 0, half, &acked).await;
    let backup = {
        let manifest = backup::snapshot(db.url(), backup_store.get(), &backup::SnapshotSettings::default())
            .await
            .expect("backup");
        manifest.id
    };
    write(&api, &token, half, total - half, &acked).await;
    let acked = acked.lock().expect("acks").clone();
    let writes = acked.len() + acked.values().filter(|t| t["status"] == "completed").count();

    // Everything published and archived, then the database is gone.
    let drained = Instant::now();
    while store.pending_count().await.expect("outbox") > 0 {
        assert!(drained.elapsed() < Duration::from_secs(120), "the relay did not drain");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let archived = |archive: archiver::Archive| async move {
        let objects = archive
            .objects_since(chrono::DateTime::UNIX_EPOCH)
            .await
            .expect("archive");
        objects
            .iter()
            .filter(|o| o.topic == "task-events")
            .map(|o| o.count)
            .sum::<u64>()
    };
    while archived(archive.clone()).await < writes as u64 {
        assert!(
            drained.elapsed() < Duration::from_secs(180),
            "the archiver did not catch up"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let _ = stop_archiver.send(());
    archiving.await.expect("archiver");
    assert!(relays.stop().await);
    drop(store);
    let (base, name) = db.url().rsplit_once('/').expect("database url");
    let mut admin = sqlx::PgConnection::connect(&todo_testing::postgres_admin_url())
        .await
        .expect("admin");
    for statement in [
        format!("DROP DATABASE {name} WITH (FORCE)"),
        format!("CREATE DATABASE {name}"),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(statement))
            .execute(&mut admin)
            .await
            .expect("destroy");
    }
    let url = format!("{base}/{name}");

    // Restore, replay, serve, check.
    let started = Instant::now();
    todo(&[
        "restore",
        &backup,
        "--database-url",
        &url,
        "--store",
        &backups_url,
        "--json",
    ]);
    let restored = started.elapsed();
    let replayed: Value = serde_json::from_str(&todo(&[
        "replay",
        "--after-backup",
        &backup,
        "--into",
        &url,
        "--archive",
        &archive_url,
        "--backups",
        &backups_url,
        "--json",
    ]))
    .expect("replay report");
    let store = todo_tasks::store::connect(&url).await.expect("restored store");
    let api = todo_tests::serve_task_api(store, SECRET).await;
    let first = acked.keys().next().expect("a task");
    let answered = reqwest::Client::new()
        .get(format!("{api}/api/tasks/{first}"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("task-api answers");
    assert!(answered.status().is_success(), "{}", answered.status());
    let rto = started.elapsed();
    let checking = Instant::now();
    let lost = lost(&api, &token, &acked).await;
    println!(
        "DR drill: {} tasks, {writes} acknowledged writes; backup {backup} after {half} tasks\n  \
         restore {:.1} s; replay {:.1} s: {} events read, {} put back\n  \
         RPO: {} acknowledged writes lost (every one checked in {:.1} s)\n  \
         RTO: {:.1} s from the start of the restore to task-api serving the restored data",
        acked.len(),
        restored.as_secs_f64(),
        replayed["seconds"].as_f64().unwrap_or_default(),
        replayed["events"],
        replayed["applied"],
        lost.len(),
        checking.elapsed().as_secs_f64(),
        rto.as_secs_f64(),
    );
    assert!(lost.is_empty(), "writes lost: {:?}", &lost[..lost.len().min(20)]);
    assert!(
        replayed["applied"].as_u64().expect("applied") > 0,
        "the archive brought writes back"
    );
}
