//! The audit trail in the read model: each `audit.recorded` is one entry (a redelivery adds
//! nothing), read newest first per actor or for everyone, a page at a time; a reset (the start of
//! a rebuild) keeps it.

use std::sync::Arc;

use analytics::ReadModel;
use analytics::audit::{AuditCursor, AuditQuery};
use chrono::{DateTime, TimeDelta, Utc};
use todo_events::{AuditRecorded, DomainEvent, EventMetadata};

use crate::cases::deliver;

fn recorded(actor: &str, resource: &str, outcome: &str, status: u16, at: DateTime<Utc>) -> DomainEvent {
    let payload = AuditRecorded {
        actor: actor.into(),
        event: "request".into(),
        service: "task-api".into(),
        method: "GET".into(),
        route: "/api/tasks/{id}".into(),
        resource_id: Some(resource.into()),
        outcome: outcome.into(),
        status,
        trace_id: None,
        request_id: Some("req-1".into()),
        client: Some("203.0.113.7".into()),
        at,
    };
    DomainEvent::new("/functions/task-api", at, EventMetadata::default(), payload.into())
}

fn query(actor: Option<&str>, before: Option<AuditCursor>, limit: i64) -> AuditQuery {
    AuditQuery {
        actor: actor.map(str::to_owned),
        before,
        limit,
    }
}

pub(crate) async fn the_trail_is_kept_once_per_event_newest_first_per_actor(model: Arc<dyn ReadModel>, _url: &str) {
    // Arrange: alice reads three tasks, mallory is refused once; one event comes twice.
    let start = DateTime::parse_from_rfc3339("2026-03-01T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let events = vec![
        recorded("alice", "1", "allowed", 200, start),
        recorded("alice", "2", "allowed", 200, start + TimeDelta::seconds(1)),
        recorded("mallory", "1", "not_found", 404, start + TimeDelta::seconds(2)),
        recorded("alice", "3", "allowed", 200, start + TimeDelta::seconds(3)),
    ];
    deliver(&model, &events).await;
    deliver(&model, &events[1..2]).await;

    // Act
    let alice = model
        .audit(&query(Some("alice"), None, 10))
        .await
        .expect("alice's trail");
    let everyone = model.audit(&query(None, None, 10)).await.expect("the whole trail");
    let first_page = model.audit(&query(Some("alice"), None, 2)).await.expect("a page");
    let last = first_page.last().expect("an entry");
    let cursor = AuditCursor {
        at: last.at,
        id: last.id.clone(),
    };
    let second_page = model
        .audit(&query(Some("alice"), Some(cursor), 2))
        .await
        .expect("the next page");
    model.reset().await.expect("reset");
    let after_reset = model.audit(&query(None, None, 10)).await.expect("kept");

    // Assert
    let resources = |entries: &[analytics::audit::AuditEntry]| {
        entries
            .iter()
            .map(|e| e.resource_id.clone().unwrap_or_default())
            .collect::<Vec<_>>()
    };
    assert_eq!(resources(&alice), ["3", "2", "1"], "newest first, the repeat once");
    assert_eq!(everyone.len(), 4);
    assert_eq!(everyone[1].actor, "mallory");
    assert_eq!(everyone[1].outcome, "not_found");
    assert_eq!(everyone[1].status, 404);
    assert_eq!(everyone[1].client.as_deref(), Some("203.0.113.7"));
    assert_eq!(everyone[1].id, events[2].id.to_string());
    assert_eq!(resources(&first_page), ["3", "2"]);
    assert_eq!(resources(&second_page), ["1"]);
    assert_eq!(after_reset.len(), 4, "a rebuild does not lose the trail");
}
