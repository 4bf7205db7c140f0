//! Steady load on the APIs, one worker per user, recording every write the platform acknowledged
//! (a 2xx with the task it wrote) so the checks can hold the platform to each of them. A request
//! that failed or timed out is counted, not recorded: its outcome is unknown to the client, and
//! the client would retry it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

/// What an acknowledged write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Created the task (version 1).
    Created,
    /// Changed it (title or completion).
    Updated,
    /// Completed it.
    Completed,
    /// Deleted it.
    Deleted,
}

/// One acknowledged write.
#[derive(Debug, Clone)]
pub struct Ack {
    /// Whose task.
    pub owner: String,
    /// The task.
    pub task_id: i64,
    /// The version the answer carried.
    pub version: i64,
    /// What it did.
    pub action: Action,
    /// Whether the task repeats (a completion must lead to its next occurrence).
    pub recurring: bool,
}

/// One acknowledged session write: a session opened, or a message added to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionAck {
    /// Whose session.
    pub owner: String,
    /// The session.
    pub session_id: String,
    /// A message added (otherwise the session was opened).
    pub message: bool,
}

/// What the driver saw.
#[derive(Debug, Default)]
pub struct Record {
    /// Every acknowledged task write.
    pub acks: Vec<Ack>,
    /// Every acknowledged session write.
    pub session_acks: Vec<SessionAck>,
    /// Requests sent.
    pub requests: u64,
    /// Requests that failed (an error status, or no answer in time).
    pub errors: u64,
    /// Requests sent while a fault was active, and how many of those failed.
    pub requests_in_faults: u64,
    /// Of those, failed.
    pub errors_in_faults: u64,
    /// Latency of every request, in microseconds.
    pub latencies: Vec<u64>,
    /// When the last request that failed was answered (or gave up).
    pub last_error: Option<Instant>,
}

/// The shared record and how many faults are active, which the injector keeps.
#[derive(Debug, Clone, Default)]
pub struct Recorder {
    record: Arc<Mutex<Record>>,
    faults: Arc<AtomicUsize>,
}

impl Recorder {
    /// A fault starts.
    pub fn fault_started(&self) {
        self.faults.fetch_add(1, Ordering::Relaxed);
    }

    /// A fault ends.
    pub fn fault_ended(&self) {
        self.faults.fetch_sub(1, Ordering::Relaxed);
    }

    /// Runs `read` over the record.
    pub fn read<T>(&self, read: impl FnOnce(&Record) -> T) -> T {
        read(&self.record.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn count(&self, started: Instant, ok: bool) {
        let faulted = self.faults.load(Ordering::Relaxed) > 0;
        let mut record = self.record.lock().unwrap_or_else(PoisonError::into_inner);
        record.requests += 1;
        record
            .latencies
            .push(u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX));
        if faulted {
            record.requests_in_faults += 1;
        }
        if !ok {
            record.errors += 1;
            record.last_error = Some(Instant::now());
            if faulted {
                record.errors_in_faults += 1;
            }
        }
    }

    fn session_ack(&self, ack: SessionAck) {
        self.record
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .session_acks
            .push(ack);
    }

    pub(crate) fn ack(&self, ack: Ack) {
        self.record
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .acks
            .push(ack);
    }
}

/// Where the driver sends requests.
#[derive(Debug, Clone)]
pub struct Targets {
    /// task-api's base URL.
    pub tasks: String,
    /// chat-api's base URL.
    pub chat: String,
    /// session-api's base URL.
    pub sessions: String,
}

/// How one worker sends.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    /// Chooses its requests.
    pub seed: u64,
    /// Time between the starts of two requests (a slow answer delays the next one).
    pub interval: Duration,
    /// When it stops.
    pub until: Instant,
}

/// One user's worker: sends requests at `pace` until its end.
pub async fn work(user: String, token: String, targets: Targets, recorder: Recorder, pace: Pace) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    let mut rng = StdRng::seed_from_u64(pace.seed);
    let mut mine: Vec<(i64, bool)> = Vec::new();
    let mut session: Option<String> = None;
    let mut ticks = tokio::time::interval(pace.interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    while Instant::now() < pace.until {
        ticks.tick().await;
        let roll: u32 = rng.random_range(0..100);
        let request = match roll {
            0..30 => Op::Create,
            30..40 => Op::CreateDue(rng.random_range(20..120)),
            40..50 => Op::CreateRecurring,
            50..70 if !mine.is_empty() => Op::Complete(mine.swap_remove(rng.random_range(0..mine.len()))),
            70..80 if !mine.is_empty() => Op::Rename(mine[rng.random_range(0..mine.len())].0),
            80..85 if !mine.is_empty() => Op::Delete(mine.swap_remove(rng.random_range(0..mine.len())).0),
            85..92 => Op::Chat,
            _ => Op::Session,
        };
        let started = Instant::now();
        let answer = send(&http, &targets, (&user, &token), &request, &mut session, &recorder).await;
        recorder.count(started, answer.is_some());
        let Some(task) = answer else {
            // Unknown outcome: the task (if any) is left alone from here on.
            continue;
        };
        let Some(id) = task["id"].as_i64() else {
            continue;
        };
        let version = task["version"].as_i64().unwrap_or_default();
        let recurring = task["recurrence"].is_string();
        let action = match request {
            Op::Create | Op::CreateDue(_) | Op::CreateRecurring => {
                mine.push((id, recurring));
                Action::Created
            }
            Op::Complete(_) => Action::Completed,
            Op::Rename(_) => Action::Updated,
            Op::Delete(_) => Action::Deleted,
            Op::Chat | Op::Session => continue,
        };
        recorder.ack(Ack {
            owner: user.clone(),
            task_id: id,
            version,
            action,
            recurring,
        });
    }
}

#[derive(Debug, Clone, Copy)]
enum Op {
    Create,
    /// Due in this many seconds, with a reminder a minute before.
    CreateDue(i64),
    CreateRecurring,
    Complete((i64, bool)),
    Rename(i64),
    Delete(i64),
    Chat,
    Session,
}

/// Sends one request; the task it wrote (or `{}` for writes that return none), `None` on failure.
async fn send(
    http: &reqwest::Client,
    targets: &Targets,
    (user, token): (&str, &str),
    op: &Op,
    session: &mut Option<String>,
    recorder: &Recorder,
) -> Option<Value> {
    let tasks = format!("{}/api/tasks", targets.tasks);
    let now = chrono::Utc::now();
    let request = match *op {
        Op::Create => http
            .post(&tasks)
            .json(&json!({ "title": "chaos task", "priority": "medium" })),
        Op::CreateDue(seconds) => http.post(&tasks).json(&json!({
            "title": "chaos due task",
            "due_at": (now + chrono::TimeDelta::seconds(seconds)).to_rfc3339(),
            "remind_before_minutes": 1,
        })),
        Op::CreateRecurring => http.post(&tasks).json(&json!({
            "title": "chaos daily task",
            "due_at": (now + chrono::TimeDelta::hours(1)).to_rfc3339(),
            "recurrence": "FREQ=DAILY",
        })),
        Op::Complete((id, _)) => http.post(format!("{tasks}/{id}/complete")),
        Op::Rename(id) => http
            .patch(format!("{tasks}/{id}"))
            .json(&json!({ "title": format!("renamed at {}", now.timestamp_millis()) })),
        Op::Delete(id) => http.delete(format!("{tasks}/{id}")),
        Op::Chat => http
            .post(format!("{}/api/chat", targets.chat))
            .json(&json!({ "message": "add water the plants tomorrow" })),
        Op::Session => {
            let id = match session.clone() {
                Some(id) => id,
                None => {
                    let created = http
                        .post(format!("{}/api/sessions", targets.sessions))
                        .bearer_auth(token)
                        .json(&json!({}))
                        .send()
                        .await
                        .ok()?;
                    let body: Value = created.error_for_status().ok()?.json().await.ok()?;
                    let id = body["id"].as_str()?.to_owned();
                    recorder.session_ack(SessionAck {
                        owner: user.to_owned(),
                        session_id: id.clone(),
                        message: false,
                    });
                    *session = Some(id.clone());
                    id
                }
            };
            http.post(format!("{}/api/sessions/{id}/messages", targets.sessions))
                .json(&json!({ "role": "user", "content": "hello" }))
        }
    };
    let response = request.bearer_auth(token).send().await.ok()?;
    let status = response.status();
    let session_gone = status == reqwest::StatusCode::NOT_FOUND || status == reqwest::StatusCode::GONE;
    if session_gone && matches!(op, Op::Session) {
        // The session expired or was lost with Redis' memory: open another next time.
        *session = None;
        return None;
    }
    if !status.is_success() {
        return None;
    }
    if let (Op::Session, Some(id)) = (op, session.as_ref()) {
        recorder.session_ack(SessionAck {
            owner: user.to_owned(),
            session_id: id.clone(),
            message: true,
        });
    }
    if status == reqwest::StatusCode::NO_CONTENT {
        return Some(match op {
            Op::Delete(id) => json!({ "id": id, "version": 0 }),
            _ => json!({}),
        });
    }
    response.json().await.ok()
}
