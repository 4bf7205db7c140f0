//! Session events end to end. session-api writes each session change and its event to Redis in
//! one transaction (its outbox), its relay publishes the events to `session-events`, and analytics
//! counts them. Held to the driver's record and to the topic:
//!
//! - Writes: every session the driver saw opened has its `session.created` on the topic, and
//!   every session at least as many `session.message_received` as messages it saw acknowledged.
//! - Effects, exactly once: analytics applied every distinct event on the topic (its
//!   processed-events record), and its session and message counts per user equal the distinct
//!   events on the topic (chat-api's sessions included), so none was counted twice.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};

use cloudevents::AttributesReader;
use sqlx::PgPool;
use todo_events::{DomainEvent, EventPayload, Topic};

use super::driver::SessionAck;
use super::topic;
use super::verify::Findings;

/// What the topic holds, each event once.
#[derive(Debug, Default)]
struct Published {
    /// Each opened session.
    opened: HashSet<String>,
    /// Messages per session.
    messages: HashMap<String, usize>,
    /// Per user: sessions opened and messages received (as analytics attributes them).
    per_user: BTreeMap<String, (i64, i64)>,
    /// Every session event's id and type.
    ids: Vec<(String, &'static str)>,
}

impl Published {
    fn from_events(events: &[cloudevents::Event]) -> Self {
        let mut published = Self::default();
        let mut seen = HashSet::new();
        for event in events {
            if !seen.insert(event.id().to_owned()) {
                continue;
            }
            let Ok(domain) = DomainEvent::from_cloudevent(event) else {
                continue;
            };
            let user = domain.metadata.user_id.clone().unwrap_or_default();
            match domain.payload {
                EventPayload::SessionCreated(created) => {
                    published.per_user.entry(user).or_default().0 += 1;
                    published.opened.insert(created.session_id);
                    published.ids.push((event.id().to_owned(), "session.created"));
                }
                EventPayload::SessionMessageReceived(message) => {
                    published.per_user.entry(user).or_default().1 += 1;
                    *published.messages.entry(message.session_id).or_default() += 1;
                    published.ids.push((event.id().to_owned(), "session.message_received"));
                }
                _ => {}
            }
        }
        published
    }
}

/// What the session checks found; merged into the soak's findings.
#[derive(Debug, Default)]
struct SessionFindings {
    writes_lost: Vec<String>,
    effects: usize,
    effects_lost: Vec<String>,
    effects_duplicated: Vec<String>,
}

/// Checks session events until nothing is lost (the last events may still be on their way: the
/// relay and analytics catch up after the faults) or `patience` ran out, then adds the findings.
///
/// # Panics
/// When the topic or the database cannot be read.
pub async fn settle(
    brokers: &str,
    pool: &PgPool,
    analytics: &str,
    tokens: &BTreeMap<String, String>,
    acks: &[SessionAck],
    patience: Duration,
    findings: &mut Findings,
) {
    let started = Instant::now();
    let found = loop {
        let published = Published::from_events(&topic::read(brokers, Topic::SessionEvents.name()).await);
        let found = check(pool, analytics, tokens, acks, &published).await;
        let settled = found.writes_lost.is_empty() && found.effects_lost.is_empty();
        if settled || started.elapsed() > patience {
            break found;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    };
    findings.session_writes = acks.len();
    findings.writes_lost.extend(found.writes_lost);
    findings.effects += found.effects;
    findings.effects_lost.extend(found.effects_lost);
    findings.effects_duplicated.extend(found.effects_duplicated);
}

async fn check(
    pool: &PgPool,
    analytics: &str,
    tokens: &BTreeMap<String, String>,
    acks: &[SessionAck],
    published: &Published,
) -> SessionFindings {
    let mut found = SessionFindings {
        writes_lost: writes_lost(acks, published),
        ..SessionFindings::default()
    };
    let ids: Vec<String> = published.ids.iter().map(|(id, _)| id.clone()).collect();
    let applied: HashSet<String> = sqlx::query_scalar::<_, String>(
        "SELECT event_id FROM processed_events WHERE consumer = 'analytics' AND event_id = ANY($1)",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await
    .expect("processed events")
    .into_iter()
    .collect();
    found.effects += published.ids.len();
    found.effects_lost.extend(
        published
            .ids
            .iter()
            .filter(|(id, _)| !applied.contains(id))
            .map(|(id, kind)| format!("analytics never applied {kind} {id}")),
    );
    counts(analytics, tokens, published, &mut found).await;
    found
}

/// Acknowledged session writes without their event on the topic.
fn writes_lost(acks: &[SessionAck], published: &Published) -> Vec<String> {
    let mut lost = Vec::new();
    let mut acknowledged: BTreeMap<&str, (&str, usize)> = BTreeMap::new();
    for ack in acks {
        if ack.message {
            acknowledged.entry(&ack.session_id).or_insert((&ack.owner, 0)).1 += 1;
        } else if !published.opened.contains(&ack.session_id) {
            lost.push(format!(
                "session {} opened by {} has no session.created on the topic",
                ack.session_id, ack.owner
            ));
        }
    }
    for (session, (owner, messages)) in acknowledged {
        let on_topic = published.messages.get(session).copied().unwrap_or_default();
        if on_topic < messages {
            lost.push(format!(
                "session {session} of {owner}: {messages} messages acknowledged, {on_topic} on the topic"
            ));
        }
    }
    lost
}

/// Analytics' session and message counts per user against the distinct events on the topic.
async fn counts(
    analytics: &str,
    tokens: &BTreeMap<String, String>,
    published: &Published,
    found: &mut SessionFindings,
) {
    let http = reqwest::Client::new();
    for (user, token) in tokens {
        found.effects += 2;
        let summary = super::verify::analytics_summary(&http, analytics, token).await;
        let Some(summary) = summary else {
            found.effects_lost.push(format!("analytics has no summary for {user}"));
            continue;
        };
        let (sessions, messages) = published.per_user.get(user).copied().unwrap_or_default();
        for (name, expected) in [("sessions", sessions), ("messages", messages)] {
            let seen = summary[name].as_i64().unwrap_or_default();
            let finding = format!("analytics counts {seen} {name} for {user}, the topic holds {expected}");
            if seen < expected {
                found.effects_lost.push(finding);
            } else if seen > expected {
                found.effects_duplicated.push(finding);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ack(session: &str, message: bool) -> SessionAck {
        SessionAck {
            owner: "ann".into(),
            session_id: session.into(),
            message,
        }
    }

    fn published(opened: &[&str], messages: &[(&str, usize)]) -> Published {
        Published {
            opened: opened.iter().map(|s| (*s).to_owned()).collect(),
            messages: messages.iter().map(|(s, n)| ((*s).to_owned(), *n)).collect(),
            ..Published::default()
        }
    }

    #[test]
    fn every_acknowledged_session_write_on_the_topic_is_nothing_lost() {
        let acks = [ack("s1", false), ack("s1", true), ack("s1", true)];
        assert!(writes_lost(&acks, &published(&["s1"], &[("s1", 3)])).is_empty());
    }

    #[test]
    fn a_session_opened_without_its_event_is_a_lost_write() {
        let lost = writes_lost(&[ack("s1", false)], &published(&[], &[]));
        assert_eq!(lost, ["session s1 opened by ann has no session.created on the topic"]);
    }

    #[test]
    fn fewer_messages_on_the_topic_than_acknowledged_is_a_lost_write() {
        let lost = writes_lost(&[ack("s1", true), ack("s1", true)], &published(&["s1"], &[("s1", 1)]));
        assert_eq!(lost, ["session s1 of ann: 2 messages acknowledged, 1 on the topic"]);
    }
}
