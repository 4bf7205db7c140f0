//! An incident found, remediated and audited inside `todo serve`, end to end: notifier is broken on
//! purpose (`TODO_FAULT_FAILING_CONSUMER`), so each event it reads is refused and dead-lettered;
//! aiops' watch, every 0.2 s over the process's own metrics, sees notifier's dead-letter rate rise
//! from the 0 it learnt, opens one incident with notifier as its root cause, and proposes to pause
//! notifier, which waits for a person (`AIOPS_REMEDIATION=auto`, a pause is destructive). Approving
//! it with the user's token pauses the consumer at once: no more dead letters. Every step is a
//! `remediation.*` event on `ops-events` and an `audit` log line. The log watch, reading the
//! process's own warnings and errors, sees notifier's "event sent to dead-letter" burst as well.
//!
//! The detector reports nothing before its warm-up (`Params::warm_up` points per series), so the
//! test waits that many watch runs before making any traffic: the interval keeps it short, not a
//! smaller warm-up.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::Platform;

/// The watch interval, seconds.
const INTERVAL: &str = "0.2";
/// The most the whole scenario may take once traffic starts.
const PATIENCE: Duration = Duration::from_secs(90);

/// The platform as the local user sees it over HTTP.
struct Api {
    client: reqwest::Client,
    url: String,
    token: String,
}

impl Api {
    async fn get(&self, path: &str) -> Value {
        let response = self
            .client
            .get(format!("{}{path}", self.url))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("send");
        assert!(response.status().is_success(), "GET {path}: {}", response.status());
        response.json().await.expect("json")
    }

    /// The sum of the samples of `family` whose labels contain every one of `labels`.
    async fn metric(&self, family: &str, labels: &[&str]) -> f64 {
        let text = self
            .client
            .get(format!("{}/metrics", self.url))
            .send()
            .await
            .expect("send")
            .text()
            .await
            .expect("text");
        text.lines()
            .filter(|line| line.starts_with(&format!("{family}{{")) && labels.iter().all(|l| line.contains(l)))
            .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    }
}

/// Waits until `check` gives `Some`, asking every 200 ms until `deadline`.
async fn until<T, F: Future<Output = Option<T>>>(deadline: Instant, what: &str, mut check: impl FnMut() -> F) -> T {
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Creates a task every 150 ms through the API until `stop` is set, so events keep flowing.
fn steady_traffic(api: &Arc<Api>, stop: &Arc<AtomicBool>) -> tokio::task::JoinHandle<usize> {
    let (api, stop) = (api.clone(), stop.clone());
    tokio::spawn(async move {
        let mut created = 0;
        while !stop.load(Ordering::Relaxed) {
            let response = api
                .client
                .post(format!("{}/api/tasks", api.url))
                .bearer_auth(&api.token)
                .json(&json!({"title": format!("steady task {created}")}))
                .send()
                .await
                .expect("send");
            assert_eq!(response.status(), reqwest::StatusCode::CREATED);
            created += 1;
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
        created
    })
}

pub(crate) async fn a_consumer_dead_lettering_in_a_loop_is_found_and_paused_once_a_person_approves() {
    // Arrange: notifier broken from the start, the watch fast, remediation allowed to act.
    let platform = Platform::start_logging(
        None,
        &[
            ("TODO_FAULT_FAILING_CONSUMER", "notifier"),
            ("AIOPS_WATCH_INTERVAL_SECONDS", INTERVAL),
            ("AIOPS_REMEDIATION", "auto"),
            ("RUST_LOG", "warn,audit=info"),
            ("LOG_FORMAT", "json"),
        ],
    );
    let api = Arc::new(Api {
        client: reqwest::Client::new(),
        url: platform.url.clone(),
        token: platform.local_token(),
    });
    // Past the warm-up of every detector, with a few runs to spare (the first of a rate gives no point).
    let warm = todo_aiops::detector::Params::default().warm_up as f64 + 20.0;
    let started = Instant::now();
    until(started + Duration::from_secs(60), "the detectors are warm", || async {
        let runs = api
            .metric("aiops_watch_duration_seconds_count", &["service=\"aiops\""])
            .await;
        (runs >= warm).then_some(())
    })
    .await;
    assert_eq!(
        api.metric("events_dead_lettered_total", &["consumer=\"notifier\""])
            .await,
        0.0,
        "nothing flowed yet"
    );

    // Act: events flow (one task through the CLI, then steadily through the API).
    let data_dir = platform.data_dir.clone();
    let url = platform.url.clone();
    let added =
        tokio::task::spawn_blocking(move || crate::harness::todo(&data_dir, &url, &["add", "Wake the consumers"]))
            .await
            .expect("todo add");
    assert!(added.status.success(), "{}", added.stderr);
    let stop = Arc::new(AtomicBool::new(false));
    let traffic = steady_traffic(&api, &stop);
    let deadline = Instant::now() + PATIENCE;

    // Assert: anomalies on notifier (its dead-letter rate, and the burst of its dead-letter error
    // in the log), one open incident whose root cause it is, a pause waiting.
    let on_notifier = |series: &'static str| {
        let api = api.clone();
        move || {
            let api = api.clone();
            async move {
                let anomalies = api.get("/api/aiops/anomalies").await;
                anomalies["items"]
                    .as_array()?
                    .iter()
                    .find(|a| a["component"] == "notifier" && a["series"] == series)
                    .cloned()
            }
        }
    };
    until(
        deadline,
        "a dead-letter rate anomaly on notifier",
        on_notifier("dead_letter_rate"),
    )
    .await;
    let burst = until(deadline, "a log burst on notifier", on_notifier("log_burst")).await;
    assert_eq!(burst["template"], "event sent to dead-letter", "{burst}");
    let action = until(deadline, "a pause of notifier awaits approval", || async {
        let actions = api.get("/api/aiops/actions?status=awaiting_approval").await;
        actions["items"]
            .as_array()?
            .iter()
            .find(|a| a["action"]["kind"] == "pause_consumer" && a["action"]["function"] == "notifier")
            .cloned()
    })
    .await;
    let incidents = api.get("/api/aiops/incidents?status=open").await;
    let on_notifier: Vec<&Value> = incidents["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["root_cause"]["component"] == "notifier")
        .collect();
    assert_eq!(on_notifier.len(), 1, "{incidents}");
    assert_eq!(action["incident_id"], on_notifier[0]["id"], "{action}");
    assert_eq!(action["playbook"], "pause-notifier-dead-letter-loop");

    // Act: the user approves it.
    let id = action["id"].as_str().expect("an id");
    let approved = api
        .client
        .post(format!("{}/api/aiops/actions/{id}/approve", api.url))
        .bearer_auth(&api.token)
        .send()
        .await
        .expect("send");
    assert_eq!(approved.status(), reqwest::StatusCode::OK);
    let approved: Value = approved.json().await.expect("json");

    // Assert: it ran at once, and notifier dead-letters no more while events keep coming.
    assert_eq!(approved["status"], "succeeded", "{approved}");
    assert_eq!(approved["decided_by"], "local");
    assert_eq!(approved["outcome"]["ok"], true, "{approved}");
    let dead_letters = || api.metric("events_dead_lettered_total", &["consumer=\"notifier\""]);
    let at_approval = dead_letters().await;
    assert!(at_approval >= 1.0, "notifier dead-lettered before the pause");
    // Longer than one event's retries (100 + 200 + 400 + 800 ms), so an unpaused consumer would
    // have dead-lettered again.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        dead_letters().await,
        at_approval,
        "the paused consumer dead-letters nothing more"
    );
    stop.store(true, Ordering::Relaxed);
    let created = traffic.await.expect("traffic");
    assert!(created > 0);
    let analytics = api
        .metric(
            "events_consumed_total",
            &["consumer=\"analytics\"", "outcome=\"processed\""],
        )
        .await;
    assert!(analytics >= 1.0, "the other consumers go on");

    // The remediation events went to ops-events, and each change is an audit log line.
    for event in [
        "remediation.awaiting_approval",
        "remediation.approved",
        "remediation.executing",
        "remediation.executed",
    ] {
        let published = api
            .metric(
                "events_published_total",
                &[
                    "service=\"aiops\"",
                    "topic=\"ops-events\"",
                    &format!("type=\"{event}\""),
                ],
            )
            .await;
        assert_eq!(published, 1.0, "{event} published once");
    }
    let log = std::fs::read_to_string(platform.log_path()).expect("the server's log");
    let audit: Vec<Value> = log
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line["target"] == "audit" && line["action_id"] == id)
        .collect();
    let events: Vec<&str> = audit.iter().filter_map(|line| line["event"].as_str()).collect();
    assert_eq!(
        events,
        [
            "remediation.awaiting_approval",
            "remediation.approved",
            "remediation.executing",
            "remediation.executed"
        ],
        "{log}"
    );
    assert_eq!(audit[1]["actor"], "local");
    // And the approval itself is an admin action in the request trail.
    let approval = log
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|line| line["target"] == "audit" && line["route"] == "/api/aiops/actions/{id}/approve")
        .expect("the approval's audit record");
    assert_eq!(approval["event"], "admin_action", "{approval}");
    assert_eq!(approval["actor"], "local");
    assert_eq!(approval["resource_id"], id);
    assert_eq!(audit[1]["incident_id"], on_notifier[0]["id"]);
    assert!(
        log.contains("fault injected"),
        "todo serve warns that a fault is injected"
    );
}
