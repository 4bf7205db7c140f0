//! The checks after the faults stop: wait until the platform has caught up, then hold it to the
//! driver's record. Each finding names the task or event, so a failing seed can be read.
//!
//! - Writes: every acknowledged write is in `tasks` (at least that version; deleted if it was a
//!   delete) and in `task_history` (that version).
//! - Events, exactly once in effect: every event in the outbox was applied by analytics (its
//!   processed-events record, written in the effect's transaction), and analytics' counts equal
//!   task-api's; every completion of a recurring task has its next occurrence; every due mark has
//!   one event; every event a subscription covers reached the endpoint under one delivery id.
//! - Nothing stuck in the outbox; in the dead-letter topic, each poison event sent on purpose
//!   once per consumer, and nothing else ([`super::poison`]).
//! - Session events, from session-api's Redis outbox to analytics, the same way
//!   ([`super::sessions`]).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};

use sqlx::PgPool;

use super::driver::{Ack, Action};
use super::receiver::Receiver;

/// The event types the soak's subscriptions name.
pub const SUBSCRIBED: [&str; 5] = [
    "task.created",
    "task.completed",
    "task.due_soon",
    "task.overdue",
    "task.reminder",
];

/// What the checks found.
#[derive(Debug, Default)]
pub struct Findings {
    /// Acknowledged task writes checked.
    pub writes: usize,
    /// Acknowledged session writes checked (sessions opened, messages added).
    pub session_writes: usize,
    /// Acknowledged writes (task and session) missing or behind.
    pub writes_lost: Vec<String>,
    /// Effects checked (one per event and consumer, occurrence and due mark).
    pub effects: usize,
    /// Effects that never happened.
    pub effects_lost: Vec<String>,
    /// Effects that happened twice.
    pub effects_duplicated: Vec<String>,
    /// Deliveries the endpoint accepted again under the same delivery id (it deduplicates them).
    pub redelivered: u64,
    /// Outbox rows still unpublished.
    pub stuck_in_outbox: i64,
    /// Records in the dead-letter topic.
    pub dead_letters: usize,
    /// Dead letters for events that were not sent as poison.
    pub unexpected_dead_letters: Vec<String>,
}

impl Findings {
    /// Nothing lost, duplicated or stuck.
    pub fn clean(&self) -> bool {
        self.writes_lost.is_empty()
            && self.effects_lost.is_empty()
            && self.effects_duplicated.is_empty()
            && self.stuck_in_outbox == 0
            && self.unexpected_dead_letters.is_empty()
    }
}

/// Waits (up to `patience`) until nothing is lost any more, then returns the findings and
/// whether the platform caught up. While events are still on their way (unpublished, or not yet
/// applied by analytics) it only counts them, once a second: the full checks read every table and
/// would compete with the consumers they wait for.
///
/// # Panics
/// When the database cannot be read.
pub async fn settle(
    pool: &PgPool,
    acks: &[Ack],
    receiver: &Receiver,
    analytics: &str,
    tokens: &BTreeMap<String, String>,
    patience: Duration,
) -> (Findings, bool) {
    let started = Instant::now();
    loop {
        let out_of_time = started.elapsed() > patience;
        if out_of_time || backlog(pool).await == 0 {
            let findings = check(pool, acks, receiver, analytics, tokens).await;
            let caught_up = findings.effects_lost.is_empty() && findings.stuck_in_outbox == 0;
            if caught_up || out_of_time {
                return (findings, caught_up);
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Events not yet published, plus events published but not yet applied by analytics.
async fn backlog(pool: &PgPool) -> i64 {
    sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM outbox WHERE published_at IS NULL) + (SELECT count(*) FROM outbox o \
         WHERE NOT EXISTS (SELECT 1 FROM processed_events p WHERE p.consumer = 'analytics' AND p.event_id = o.event_id::text))",
    )
    .fetch_one(pool)
    .await
    .expect("backlog")
}

async fn check(
    pool: &PgPool,
    acks: &[Ack],
    receiver: &Receiver,
    analytics: &str,
    tokens: &BTreeMap<String, String>,
) -> Findings {
    let mut findings = Findings {
        writes: acks.len(),
        ..Findings::default()
    };
    writes(pool, acks, &mut findings).await;
    analytics_applied(pool, &mut findings).await;
    analytics_counts(pool, analytics, tokens, &mut findings).await;
    occurrences(pool, acks, &mut findings).await;
    due_marks(pool, &mut findings).await;
    webhooks(pool, receiver, &mut findings).await;
    findings.stuck_in_outbox = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE published_at IS NULL")
        .fetch_one(pool)
        .await
        .expect("outbox");
    findings
}

async fn writes(pool: &PgPool, acks: &[Ack], findings: &mut Findings) {
    let tasks: HashMap<i64, (String, i64, bool)> = sqlx::query_as::<_, (i64, String, i64, bool)>(
        "SELECT id, owner_id, version, deleted_at IS NOT NULL FROM tasks",
    )
    .fetch_all(pool)
    .await
    .expect("tasks")
    .into_iter()
    .map(|(id, owner, version, deleted)| (id, (owner, version, deleted)))
    .collect();
    let history: HashSet<(i64, i64)> = sqlx::query_as("SELECT task_id, version FROM task_history")
        .fetch_all(pool)
        .await
        .expect("history")
        .into_iter()
        .collect();
    let deletions: HashSet<i64> = sqlx::query_scalar("SELECT task_id FROM task_history WHERE action = 'deleted'")
        .fetch_all(pool)
        .await
        .expect("history")
        .into_iter()
        .collect();
    for ack in acks {
        let Some((owner, version, deleted)) = tasks.get(&ack.task_id) else {
            findings.writes_lost.push(format!(
                "task {} ({:?}) is not in the database",
                ack.task_id, ack.action
            ));
            continue;
        };
        let lost = if *owner != ack.owner {
            Some(format!("task {} belongs to {owner}, not {}", ack.task_id, ack.owner))
        } else if ack.action == Action::Deleted {
            (!deleted || !deletions.contains(&ack.task_id))
                .then(|| format!("task {}: its acknowledged delete is not recorded", ack.task_id))
        } else if *version < ack.version {
            Some(format!(
                "task {} is at version {version}, behind the acknowledged {}",
                ack.task_id, ack.version
            ))
        } else {
            (!history.contains(&(ack.task_id, ack.version)))
                .then(|| format!("task {} version {} has no history entry", ack.task_id, ack.version))
        };
        findings.writes_lost.extend(lost);
    }
}

/// Every event in the outbox was applied by analytics exactly once (the processed-events key
/// makes more than once impossible to record, so a count mismatch below shows a double effect).
async fn analytics_applied(pool: &PgPool, findings: &mut Findings) {
    let missing: Vec<(String, String)> = sqlx::query_as(
        "SELECT o.event_id::text, o.event_type FROM outbox o WHERE NOT EXISTS \
         (SELECT 1 FROM processed_events p WHERE p.consumer = 'analytics' AND p.event_id = o.event_id::text)",
    )
    .fetch_all(pool)
    .await
    .expect("processed events");
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox")
        .fetch_one(pool)
        .await
        .expect("outbox");
    findings.effects += usize::try_from(total).unwrap_or_default();
    findings.effects_lost.extend(
        missing
            .into_iter()
            .map(|(id, kind)| format!("analytics never applied {kind} {id}")),
    );
}

/// `user`'s analytics summary over every day the soak's events can carry: the scheduler stamps
/// what it writes with its own clock, which the clock-jump fault moves up to 26 h ahead (the
/// default range ends now, and would leave those out). `None` when analytics does not answer.
pub(super) async fn analytics_summary(
    http: &reqwest::Client,
    analytics: &str,
    token: &str,
) -> Option<serde_json::Value> {
    let today = chrono::Utc::now().date_naive();
    let from = (today - chrono::Days::new(2)).to_string();
    let to = (today + chrono::Days::new(2)).to_string();
    match http
        .get(format!("{analytics}/api/analytics/summary"))
        .query(&[("from", &from), ("to", &to)])
        .bearer_auth(token)
        .send()
        .await
    {
        Ok(response) if response.status().is_success() => response.json().await.ok(),
        _ => None,
    }
}

/// Analytics' summary for each user equals what task-api holds.
async fn analytics_counts(pool: &PgPool, analytics: &str, tokens: &BTreeMap<String, String>, findings: &mut Findings) {
    let http = reqwest::Client::new();
    for (user, token) in tokens {
        let truth: (i64, i64) = sqlx::query_as(
            "SELECT count(*), count(*) FILTER (WHERE deleted_at IS NOT NULL) FROM tasks WHERE owner_id = $1",
        )
        .bind(user)
        .fetch_one(pool)
        .await
        .expect("counts");
        let summary = analytics_summary(&http, analytics, token).await;
        findings.effects += 2;
        let Some(summary) = summary else {
            findings
                .effects_lost
                .push(format!("analytics has no summary for {user}"));
            continue;
        };
        for (name, expected) in [("created", truth.0), ("deleted", truth.1)] {
            let seen = summary[name].as_i64().unwrap_or_default();
            if seen < expected {
                findings.effects_lost.push(format!(
                    "analytics counts {seen} {name} for {user}, task-api {expected}"
                ));
            } else if seen > expected {
                findings.effects_duplicated.push(format!(
                    "analytics counts {seen} {name} for {user}, task-api {expected}"
                ));
            }
        }
    }
}

/// Every acknowledged completion of a recurring task has exactly one next occurrence.
async fn occurrences(pool: &PgPool, acks: &[Ack], findings: &mut Findings) {
    for ack in acks.iter().filter(|a| a.action == Action::Completed && a.recurring) {
        findings.effects += 1;
        let next: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM tasks n JOIN tasks t ON t.id = $1 \
             WHERE n.series_id = COALESCE(t.series_id, t.id) AND n.occurrence = COALESCE(t.occurrence, 1) + 1",
        )
        .bind(ack.task_id)
        .fetch_one(pool)
        .await
        .expect("occurrences");
        match next {
            1 => {}
            0 => findings.effects_lost.push(format!(
                "completed recurring task {} has no next occurrence",
                ack.task_id
            )),
            n => findings.effects_duplicated.push(format!(
                "completed recurring task {} has {n} next occurrences",
                ack.task_id
            )),
        }
    }
}

/// Each due mark the scheduler made has one event, and every live pending task due more than a
/// few seconds ago was marked overdue.
async fn due_marks(pool: &PgPool, findings: &mut Findings) {
    // Both sides counted once and joined: a subquery per mark reads the whole outbox per mark
    // (minutes after a 10-minute soak, where this takes 0.1 s).
    let counts: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "WITH marks AS (SELECT task_id, kind, count(DISTINCT due_at) AS n FROM task_due_marks GROUP BY 1, 2), \
         events AS (SELECT (event_data->'data'->>'task_id')::bigint AS task_id, substr(event_type, 6) AS kind, \
           count(*) AS n FROM outbox WHERE event_type IN ('task.due_soon', 'task.overdue', 'task.reminder') \
           GROUP BY 1, 2) \
         SELECT m.task_id, m.kind, m.n, COALESCE(e.n, 0) FROM marks m LEFT JOIN events e USING (task_id, kind)",
    )
    .fetch_all(pool)
    .await
    .expect("due marks");
    for (task, kind, marks, events) in counts {
        findings.effects += 1;
        if events < marks {
            findings
                .effects_lost
                .push(format!("task {task}: {marks} {kind} mark(s), {events} event(s)"));
        } else if events > marks {
            findings
                .effects_duplicated
                .push(format!("task {task}: {marks} {kind} mark(s), {events} event(s)"));
        }
    }
    let unmarked: Vec<i64> = sqlx::query_scalar(
        "SELECT t.id FROM tasks t WHERE t.status = 'pending' AND t.deleted_at IS NULL \
           AND t.due_at < now() - interval '10 seconds' AND NOT EXISTS \
           (SELECT 1 FROM task_due_marks m WHERE m.task_id = t.id AND m.kind = 'overdue')",
    )
    .fetch_all(pool)
    .await
    .expect("overdue tasks");
    findings.effects_lost.extend(
        unmarked
            .into_iter()
            .map(|id| format!("task {id} is overdue and was never announced")),
    );
}

/// Every event a subscription covers reached the endpoint, under one delivery id.
async fn webhooks(pool: &PgPool, receiver: &Receiver, findings: &mut Findings) {
    let events: Vec<(String, String)> =
        sqlx::query_as("SELECT event_id::text, event_type FROM outbox WHERE event_type = ANY($1)")
            .bind(SUBSCRIBED.map(str::to_owned).to_vec())
            .fetch_all(pool)
            .await
            .expect("outbox");
    receiver.read(|accepted| {
        findings.redelivered = accepted.redelivered;
        for (id, kind) in &events {
            findings.effects += 1;
            match accepted.by_event.get(id).map_or(0, std::collections::BTreeSet::len) {
                0 => findings
                    .effects_lost
                    .push(format!("webhook for {kind} {id} never accepted")),
                1 => {}
                n => findings
                    .effects_duplicated
                    .push(format!("webhook for {kind} {id} accepted under {n} delivery ids")),
            }
        }
    });
}
