//! A seeded random workload through the API, and the analytics numbers it must produce,
//! computed from task-api's own lists.

use std::collections::BTreeMap;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use super::support::Api;

/// Creates, completes, reopens, re-prioritises and deletes tasks at random; returns how many
/// were deleted. Completed tasks are never deleted, so "completed" stays countable from the API.
pub(super) async fn random_workload(api: &Api, steps: usize) -> i64 {
    let mut rng = StdRng::seed_from_u64(2026);
    let mut deleted = 0;
    let priorities = ["low", "medium", "high", "urgent"];
    let tags = ["home", "work", "errand"];
    for step in 0..steps {
        let pending: Vec<i64> = api
            .tasks("&status=pending")
            .await
            .iter()
            .filter_map(|t| t["id"].as_i64())
            .collect();
        let completed: Vec<i64> = api
            .tasks("&status=completed")
            .await
            .iter()
            .filter_map(|t| t["id"].as_i64())
            .collect();
        let choice = rng.random_range(0..10);
        match choice {
            0..=3 => {
                let hours = rng.random_range(-48..96);
                let due = (chrono::Utc::now() + chrono::Duration::hours(hours)).to_rfc3339();
                let body = json!({
                    "title": format!("task {step}"),
                    "priority": priorities[rng.random_range(0..priorities.len())],
                    "tags": [tags[rng.random_range(0..tags.len())]],
                    "due_at": due,
                });
                api.call(reqwest::Method::POST, "/api/tasks", Some(body)).await;
            }
            4 | 5 if !pending.is_empty() => {
                let id = pending[rng.random_range(0..pending.len())];
                api.call(reqwest::Method::POST, &format!("/api/tasks/{id}/complete"), None)
                    .await;
            }
            6 if !completed.is_empty() => {
                let id = completed[rng.random_range(0..completed.len())];
                api.call(reqwest::Method::POST, &format!("/api/tasks/{id}/reopen"), None)
                    .await;
            }
            7 | 8 if !pending.is_empty() => {
                let id = pending[rng.random_range(0..pending.len())];
                let priority = priorities[rng.random_range(0..priorities.len())];
                let tag = tags[rng.random_range(0..tags.len())];
                api.call(
                    reqwest::Method::PATCH,
                    &format!("/api/tasks/{id}"),
                    Some(json!({"priority": priority, "tags": [tag]})),
                )
                .await;
            }
            _ if !pending.is_empty() => {
                let id = pending[rng.random_range(0..pending.len())];
                api.call(reqwest::Method::DELETE, &format!("/api/tasks/{id}"), None)
                    .await;
                deleted += 1;
            }
            _ => {}
        }
    }
    deleted
}

/// What the read model must say, computed from task-api's own lists.
pub(super) async fn truth(api: &Api, deleted: i64) -> Value {
    let all = api.tasks("").await;
    let pending = api.tasks("&status=pending").await;
    let overdue = api.tasks("&overdue=true").await;
    let completed = api.tasks("&status=completed").await;
    let mut by_priority: BTreeMap<String, i64> = ["low", "medium", "high", "urgent"]
        .iter()
        .map(|p| ((*p).to_owned(), 0))
        .collect();
    let mut by_tag: BTreeMap<String, i64> = BTreeMap::new();
    for task in &pending {
        *by_priority
            .entry(task["priority"].as_str().unwrap_or_default().to_owned())
            .or_default() += 1;
        for tag in task["tags"].as_array().into_iter().flatten() {
            *by_tag.entry(tag.as_str().unwrap_or_default().to_owned()).or_default() += 1;
        }
    }
    json!({
        "created": i64::try_from(all.len()).unwrap_or_default() + deleted,
        "completed": completed.len(),
        "deleted": deleted,
        "open": pending.len(),
        "overdue": overdue.len(),
        "by_priority": by_priority,
        "by_tag": by_tag,
    })
}

/// The summary's numbers that [`truth`] computes.
pub(super) fn observed(summary: &Value) -> Value {
    let by_tag: BTreeMap<String, i64> = summary["by_tag"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, n)| n.as_i64() != Some(0))
        .map(|(tag, n)| (tag.clone(), n.as_i64().unwrap_or_default()))
        .collect();
    json!({
        "created": summary["created"],
        "completed": summary["completed"],
        "deleted": summary["deleted"],
        "open": summary["open"],
        "overdue": summary["overdue"],
        "by_priority": summary["by_priority"],
        "by_tag": by_tag,
    })
}
