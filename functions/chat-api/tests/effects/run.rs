//! Plays one case: a fresh platform (task-api on its own SQLite database, so task ids start at
//! 1, session-api, and chat-api at the case's clock), the person's tasks created through
//! task-api, the list shown first when the case says so, then every turn in one session.

use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::{Value, json};
use todo_kit::clock::ManualClock;

use super::case::{Case, Seed};
use crate::support::{Platform, platform_with, tasks_of, token};

/// What every case is read against: Thursday 26 November 2026, 16:00 in Berlin.
pub(crate) const NOW: &str = "2026-11-26T15:00:00Z";
/// The zone of every case.
pub(crate) const ZONE: Tz = chrono_tz::Europe::Berlin;
/// What the harness says to show the list when a case says it was shown: in the order the case
/// gives its tasks, the order they were added.
const SHOW_LIST: &str = "show my pending tasks in the order i added them";

/// What happened in a played case.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// The intent chat-api gave the first turn.
    pub(crate) intent: String,
    /// Every reply, in order.
    pub(crate) replies: Vec<String>,
    /// The tasks before the first turn and after the last, oldest first.
    pub(crate) before: Vec<Value>,
    pub(crate) after: Vec<Value>,
    /// The titles the last list or search of the turns showed.
    pub(crate) shown: Option<Vec<String>>,
}

/// Plays `case`; an error when the case could not be set up as it says (not a miss of the chat).
pub(crate) async fn play(case: &Case) -> Result<Outcome, String> {
    let now: DateTime<Utc> = NOW.parse().map_err(|e| format!("{e}"))?;
    let p = platform_with(Arc::new(ManualClock::new(now))).await;
    for seed in &case.tasks {
        create(&p, seed).await?;
    }
    let before = tasks_of(&p.client, &p.task_api, "alice").await;
    let mut session = None;
    if case.listed {
        let shown = say(&p, &mut session, SHOW_LIST).await?;
        let expected: Vec<&Value> = before
            .iter()
            .filter(|t| t["status"] == "pending")
            .map(|t| &t["id"])
            .collect();
        let listed = listed_ids(&shown);
        if listed.iter().collect::<Vec<_>>() != expected {
            return Err(format!(
                "'{SHOW_LIST}' listed {listed:?}, not the pending tasks in order: {shown}"
            ));
        }
    }
    let mut intent = String::new();
    let mut replies = Vec::new();
    let mut shown = None;
    for (n, turn) in case.turns.iter().enumerate() {
        let answer = say(&p, &mut session, turn).await?;
        if n == 0 {
            intent = answer["intent"].as_str().unwrap_or_default().to_owned();
        }
        if let Some(titles) = listed_titles(&answer) {
            shown = Some(titles);
        }
        replies.push(answer["reply"].as_str().unwrap_or_default().to_owned());
    }
    let after = tasks_of(&p.client, &p.task_api, "alice").await;
    Ok(Outcome {
        intent,
        replies,
        before,
        after,
        shown,
    })
}

/// A local `YYYY-MM-DDTHH:MM` in [`ZONE`] as an instant.
pub(crate) fn local_instant(text: &str) -> Result<DateTime<Utc>, String> {
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .map_err(|e| format!("'{text}' is not a local time: {e}"))?;
    ZONE.from_local_datetime(&naive)
        .single()
        .map(|at| at.with_timezone(&Utc))
        .ok_or_else(|| format!("'{text}' does not exist once in {ZONE}"))
}

/// Creates `seed` through task-api, with the id it asks for: tasks made and deleted before it
/// take the ids below.
async fn create(p: &Platform, seed: &Seed) -> Result<(), String> {
    let mut body = json!({ "title": seed.title, "tags": seed.tags });
    if let Some(priority) = &seed.priority {
        body["priority"] = json!(priority);
    }
    if let Some(due) = &seed.due {
        body["due_at"] = json!(local_instant(due)?.with_timezone(&ZONE).to_rfc3339());
    }
    if let Some(rule) = &seed.repeat {
        body["recurrence"] = json!(rule);
    }
    let id = loop {
        let task = send(p, reqwest::Method::POST, "/api/tasks", Some(&body)).await?;
        let id = task["id"].as_i64().ok_or_else(|| format!("no id in {task}"))?;
        match seed.id {
            Some(wanted) if id < wanted => {
                send(p, reqwest::Method::DELETE, &format!("/api/tasks/{id}"), None).await?;
            }
            Some(wanted) if id > wanted => {
                return Err(format!("task '{}' cannot get id {wanted}: next is {id}", seed.title));
            }
            _ => break id,
        }
    };
    match seed.status.as_deref() {
        None | Some("pending") => Ok(()),
        Some("completed") => send(p, reqwest::Method::POST, &format!("/api/tasks/{id}/complete"), None)
            .await
            .map(drop),
        Some(other) => Err(format!("unknown status '{other}'")),
    }
}

async fn send(p: &Platform, method: reqwest::Method, path: &str, body: Option<&Value>) -> Result<Value, String> {
    let mut request = p
        .client
        .request(method, format!("{}{path}", p.task_api))
        .bearer_auth(token("alice"));
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let text = response.text().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("task-api answered {status} to {path}: {text}"));
    }
    Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// One turn in the case's session (opened by the first).
async fn say(p: &Platform, session: &mut Option<String>, message: &str) -> Result<Value, String> {
    let (status, answer) = p.say(session.as_deref(), message).await;
    if !status.is_success() {
        return Err(format!("chat-api answered {status} to '{message}': {answer}"));
    }
    if session.is_none() {
        *session = answer["session_id"].as_str().map(str::to_owned);
    }
    Ok(answer)
}

/// The tasks a reply listed: the items of its last list or search action.
fn listed(answer: &Value) -> Option<&Vec<Value>> {
    answer["actions"].as_array()?.iter().rev().find_map(|action| {
        action["result"]
            .as_array()
            .or_else(|| action["result"]["items"].as_array())
    })
}

fn listed_ids(answer: &Value) -> Vec<Value> {
    listed(answer)
        .map(|items| items.iter().map(|t| t["id"].clone()).collect())
        .unwrap_or_default()
}

fn listed_titles(answer: &Value) -> Option<Vec<String>> {
    listed(answer).map(|items| {
        items
            .iter()
            .filter_map(|t| t["title"].as_str().map(str::to_owned))
            .collect()
    })
}
