//! The event consumers through `todo serve`, as a person sees them: a webhook receives
//! `task.created` and `task.due_soon` with valid Standard Webhooks signatures; completing a daily
//! task creates tomorrow's occurrence once; after a random workload the analytics summary equals
//! what task-api says; `todo watch` prints every change; `todo analytics rebuild` gives the same
//! numbers again. Run on the embedded default and on PostgreSQL + Kafka.

mod support;
mod workload;

use std::time::Duration;

use serde_json::{Value, json};

use crate::harness::Platform;
use support::{Api, Watch, eventually, receiver};
use workload::{observed, random_workload, truth};

/// The whole flow on a started platform (`SCHEDULER_TICK_SECONDS=1`, private targets allowed).
pub(crate) async fn the_consumers_do_their_work(platform: &Platform, rebuild: &[&str]) {
    let api = Api::of(platform);
    let (url, hooks) = receiver().await;
    let subscription = api
        .call(
            reqwest::Method::POST,
            "/api/webhooks",
            Some(json!({"url": url, "event_types": ["task.created", "task.due_soon"]})),
        )
        .await;
    let secret = subscription["secret"].as_str().expect("a secret").to_owned();
    let watch = Watch::start(platform);
    tokio::time::sleep(Duration::from_millis(700)).await;

    // A task due in 30 minutes: created and due soon, both signed.
    platform.ok(&["add", "Call the dentist", "--due", "in 30 minutes"]);
    eventually(20, "the webhook gets task.created and task.due_soon", || {
        let types: Vec<String> = hooks
            .lock()
            .expect("hooks")
            .iter()
            .map(|h| h.event()["type"].as_str().unwrap_or_default().to_owned())
            .collect();
        async move {
            if types.contains(&"task.created".to_owned()) && types.contains(&"task.due_soon".to_owned()) {
                Ok(())
            } else {
                Err(format!("got {types:?}"))
            }
        }
    })
    .await;
    for hook in hooks.lock().expect("hooks").iter() {
        assert!(
            notifier::verify_signature(&secret, &hook.id, hook.timestamp, &hook.body, &hook.signature),
            "the signature of {} verifies",
            hook.id
        );
        assert!(!notifier::verify_signature(
            "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            &hook.id,
            hook.timestamp,
            &hook.body,
            &hook.signature
        ));
        assert_eq!(hook.event()["subject"], "task/1");
    }

    // A daily task completed: tomorrow's occurrence appears once.
    platform.ok(&["add", "Water the plants", "--due", "in 2 hours", "--every", "daily"]);
    platform.ok(&["done", "2"]);
    eventually(20, "the next occurrence appears", || async {
        let series: Vec<Value> = api
            .tasks("")
            .await
            .into_iter()
            .filter(|t| t["series_id"] == 2)
            .collect();
        if series.len() == 2 {
            Ok(())
        } else {
            Err(format!("series {series:?}"))
        }
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let series: Vec<Value> = api
        .tasks("")
        .await
        .into_iter()
        .filter(|t| t["series_id"] == 2)
        .collect();
    assert_eq!(series.len(), 2, "exactly one next occurrence: {series:?}");
    let next = series.iter().find(|t| t["occurrence"] == 2).expect("occurrence 2");
    let due = |t: &Value| chrono::DateTime::parse_from_rfc3339(t["due_at"].as_str().expect("due")).expect("time");
    let first = series.iter().find(|t| t["occurrence"] == 1).expect("occurrence 1");
    assert_eq!(due(next) - due(first), chrono::Duration::days(1));
    assert_eq!(next["status"], "pending");

    // A random workload, then the read model equals the truth from task-api.
    let deleted = random_workload(&api, 40).await;
    let expected = truth(&api, deleted).await;
    eventually(30, "the analytics summary matches task-api", || async {
        let summary = api.call(reqwest::Method::GET, "/api/analytics/summary", None).await;
        let got = observed(&summary);
        if got == expected {
            Ok(())
        } else {
            Err(format!("summary {got:?}, truth {expected:?}"))
        }
    })
    .await;

    // Every change was shown live.
    let created = expected["created"].as_i64().unwrap_or_default();
    eventually(20, "todo watch printed every change", || {
        let (seen, completed) = (watch.count("task.created"), watch.count("task.completed"));
        async move {
            if i64::try_from(seen).unwrap_or(-1) == created && completed > 0 {
                Ok(())
            } else {
                Err(format!("{seen} task.created, {completed} task.completed printed"))
            }
        }
    })
    .await;
    assert!(watch.count("task.due_soon") >= 1);

    // A rebuild from the event history gives the same numbers.
    let mut args = vec!["analytics", "rebuild"];
    args.extend_from_slice(rebuild);
    let out = platform.todo(&args);
    assert!(out.status.success(), "rebuild failed: {}", out.stderr);
    assert!(
        out.stdout.contains("Rebuilt the analytics read model"),
        "{}",
        out.stdout
    );
    let summary = api.call(reqwest::Method::GET, "/api/analytics/summary", None).await;
    assert_eq!(observed(&summary), expected, "the same numbers after the rebuild");
    let printed = platform.ok(&["analytics", "summary"]);
    assert!(printed.contains("completion rate"), "{printed}");
}
