//! The cases of the session store suite.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use session_api::SessionSettings;
use session_api::model::{NewMessage, Role, SessionError};
use session_api::store::SessionStore;
use todo_events::{DomainEvent, EventMetadata, EventPayload};

pub(crate) fn settings() -> SessionSettings {
    SessionSettings {
        ttl: Duration::from_secs(30 * 60),
        grace: Duration::from_secs(60 * 60),
        max_messages: 5,
    }
}

fn t0() -> DateTime<Utc> {
    // Whole milliseconds, as Redis keeps them.
    DateTime::from_timestamp_millis(Utc::now().timestamp_millis()).expect("now")
}

fn minutes(n: i64) -> chrono::Duration {
    chrono::Duration::minutes(n)
}

fn said(role: Role, content: &str) -> NewMessage {
    NewMessage {
        role,
        content: content.into(),
        metadata: None,
        events: Vec::new(),
    }
}

fn meta() -> EventMetadata {
    EventMetadata {
        correlation_id: Some("corr-1".into()),
        ..EventMetadata::default()
    }
}

/// Every queued event, acknowledged so the next call sees only newer ones.
async fn drain(store: &dyn SessionStore) -> Vec<DomainEvent> {
    let pending = store
        .claim_outbox(1000)
        .await
        .expect("claim")
        .expect("not held by another");
    let ids: Vec<String> = pending.iter().map(|p| p.outbox_id.clone()).collect();
    store.ack_outbox(&ids).await.expect("ack");
    pending
        .iter()
        .map(|p| DomainEvent::from_structured_json(&p.event).expect("a valid CloudEvent"))
        .collect()
}

pub(crate) async fn a_session_belongs_to_its_owner(store: Arc<dyn SessionStore>) {
    let now = t0();
    let info = json!({ "timezone": "Europe/Berlin", "client": "test" });
    let session = store.create("alice", info.clone(), &meta(), now).await.expect("create");
    assert_eq!(session.user_id, "alice");
    assert_eq!(session.client_info, info);
    assert_eq!(session.expires_at, now + minutes(30));
    assert_eq!(store.get("alice", &session.id, now).await.expect("get"), session);
    assert!(matches!(
        store.get("bob", &session.id, now).await,
        Err(SessionError::NotFound)
    ));
    assert!(matches!(
        store.get("alice", "no-such-id", now).await,
        Err(SessionError::NotFound)
    ));
    let bob_says = store
        .append("bob", &session.id, said(Role::User, "hi"), &meta(), now)
        .await;
    assert!(matches!(bob_says, Err(SessionError::NotFound)));
    assert!(matches!(
        store.messages("bob", &session.id, None, 10, now).await,
        Err(SessionError::NotFound)
    ));
    assert!(matches!(
        store.delete("bob", &session.id, &meta(), now).await,
        Err(SessionError::NotFound)
    ));
    assert!(
        store.get("alice", &session.id, now).await.is_ok(),
        "bob's attempts changed nothing"
    );
}

pub(crate) async fn opening_queues_session_created(store: Arc<dyn SessionStore>) {
    let session = store
        .create("alice", json!({ "client": "cli" }), &meta(), t0())
        .await
        .expect("create");
    let events = drain(store.as_ref()).await;
    assert_eq!(events.len(), 1);
    let EventPayload::SessionCreated(created) = &events[0].payload else {
        panic!("not session.created: {:?}", events[0].payload);
    };
    assert_eq!(
        (created.session_id.as_str(), created.user_id.as_str()),
        (session.id.as_str(), "alice")
    );
    assert_eq!(created.client_info, json!({ "client": "cli" }));
    assert_eq!(events[0].metadata.correlation_id.as_deref(), Some("corr-1"));
    assert_eq!(events[0].metadata.user_id.as_deref(), Some("alice"));
    assert_eq!(events[0].partition_key().as_deref(), Some(session.id.as_str()));
}

pub(crate) async fn a_message_slides_the_deadline_and_counts(store: Arc<dyn SessionStore>) {
    let now = t0();
    let session = store.create("alice", json!({}), &meta(), now).await.expect("create");
    let later = now + minutes(20);
    let message = store
        .append("alice", &session.id, said(Role::User, "hello"), &meta(), later)
        .await
        .expect("append");
    assert_eq!(
        (message.seq, message.role, message.content.as_str(), message.at),
        (1, Role::User, "hello", later)
    );
    let seen = store.get("alice", &session.id, later).await.expect("get");
    assert_eq!(seen.message_count, 1);
    assert_eq!(seen.last_active_at, later);
    assert_eq!(seen.expires_at, later + minutes(30));
    assert!(
        store.get("alice", &session.id, now + minutes(45)).await.is_ok(),
        "alive past the first deadline"
    );
}

pub(crate) async fn only_user_messages_publish_message_received(store: Arc<dyn SessionStore>) {
    let now = t0();
    let session = store.create("alice", json!({}), &meta(), now).await.expect("create");
    drain(store.as_ref()).await;
    store
        .append("alice", &session.id, said(Role::User, "add milk"), &meta(), now)
        .await
        .expect("user");
    let reply = NewMessage {
        metadata: Some(json!({ "intent": "add" })),
        ..said(Role::Assistant, "Added milk.")
    };
    let stored = store
        .append("alice", &session.id, reply, &meta(), now)
        .await
        .expect("assistant");
    assert_eq!(stored.metadata, Some(json!({ "intent": "add" })));
    let events = drain(store.as_ref()).await;
    assert_eq!(events.len(), 1, "{events:?}");
    let EventPayload::SessionMessageReceived(received) = &events[0].payload else {
        panic!("not session.message_received");
    };
    assert_eq!((received.message.as_str(), received.timestamp), ("add milk", now));
}

pub(crate) async fn history_keeps_the_newest_messages_and_pages_back(store: Arc<dyn SessionStore>) {
    let now = t0();
    let session = store.create("alice", json!({}), &meta(), now).await.expect("create");
    for i in 1..=8 {
        let role = if i % 2 == 1 { Role::User } else { Role::Assistant };
        store
            .append("alice", &session.id, said(role, &format!("m{i}")), &meta(), now)
            .await
            .expect("append");
    }
    let seqs = |page: &session_api::model::MessagePage| page.items.iter().map(|m| m.seq).collect::<Vec<_>>();
    let all = store.messages("alice", &session.id, None, 50, now).await.expect("page");
    assert_eq!(
        seqs(&all),
        vec![4, 5, 6, 7, 8],
        "the newest five are kept, oldest first"
    );
    assert_eq!(all.next_cursor, None);
    assert_eq!(all.items[0].content, "m4");
    let newest = store.messages("alice", &session.id, None, 2, now).await.expect("page");
    assert_eq!(seqs(&newest), vec![7, 8]);
    assert_eq!(newest.next_cursor, Some(7));
    let older = store
        .messages("alice", &session.id, newest.next_cursor, 2, now)
        .await
        .expect("page");
    assert_eq!(seqs(&older), vec![5, 6]);
    let oldest = store
        .messages("alice", &session.id, older.next_cursor, 2, now)
        .await
        .expect("page");
    assert_eq!((seqs(&oldest), oldest.next_cursor), (vec![4], None));
    assert_eq!(
        store.get("alice", &session.id, now).await.expect("get").message_count,
        8
    );
}

pub(crate) async fn an_idle_session_expires_at_its_deadline(store: Arc<dyn SessionStore>) {
    let now = t0();
    let session = store.create("alice", json!({}), &meta(), now).await.expect("create");
    let deadline = now + minutes(30);
    assert!(
        store
            .get("alice", &session.id, deadline - chrono::Duration::milliseconds(1))
            .await
            .is_ok()
    );
    assert!(matches!(
        store.get("alice", &session.id, deadline).await,
        Err(SessionError::Expired)
    ));
    let late = store
        .append(
            "alice",
            &session.id,
            said(Role::User, "still there?"),
            &meta(),
            deadline,
        )
        .await;
    assert!(matches!(late, Err(SessionError::Expired)));
    assert!(matches!(
        store.messages("alice", &session.id, None, 10, deadline).await,
        Err(SessionError::Expired)
    ));
    assert_eq!(store.sweep(deadline, 100).await.expect("sweep"), 1);
    assert!(
        matches!(
            store.get("alice", &session.id, deadline).await,
            Err(SessionError::Expired)
        ),
        "swept: still expired"
    );
    assert!(
        matches!(store.get("alice", &session.id, now).await, Err(SessionError::Expired)),
        "an ended session stays ended"
    );
}

pub(crate) async fn each_session_expires_exactly_once_even_with_concurrent_sweepers(store: Arc<dyn SessionStore>) {
    let now = t0();
    let mut ids = Vec::new();
    for user in ["alice", "bob", "carol"] {
        let session = store.create(user, json!({}), &meta(), now).await.expect("create");
        store
            .append(user, &session.id, said(Role::User, "one"), &meta(), now + minutes(1))
            .await
            .expect("m");
        store
            .append(
                user,
                &session.id,
                said(Role::Assistant, "two"),
                &meta(),
                now + minutes(2),
            )
            .await
            .expect("m");
        ids.push(session.id);
    }
    drain(store.as_ref()).await;
    let later = now + minutes(40);
    let sweepers = (0..4).map(|_| {
        let store = store.clone();
        tokio::spawn(async move { store.sweep(later, 100).await.expect("sweep") })
    });
    let mut expired = 0;
    for sweeper in sweepers.collect::<Vec<_>>() {
        expired += sweeper.await.expect("sweeper");
    }
    assert_eq!(expired, 3);
    assert_eq!(store.sweep(later + minutes(10), 100).await.expect("sweep again"), 0);
    let events = drain(store.as_ref()).await;
    assert_eq!(events.len(), 3, "{events:?}");
    for event in &events {
        let EventPayload::SessionExpired(ended) = &event.payload else {
            panic!("not session.expired");
        };
        assert!(ids.contains(&ended.session_id));
        assert_eq!((ended.duration, ended.message_count), (120, 2));
    }
}

pub(crate) async fn closing_ends_the_session_with_one_expired_event(store: Arc<dyn SessionStore>) {
    let now = t0();
    let session = store.create("alice", json!({}), &meta(), now).await.expect("create");
    store
        .append("alice", &session.id, said(Role::User, "bye"), &meta(), now + minutes(3))
        .await
        .expect("m");
    drain(store.as_ref()).await;
    store
        .delete("alice", &session.id, &meta(), now + minutes(4))
        .await
        .expect("delete");
    assert!(store.get("alice", &session.id, now + minutes(4)).await.is_err());
    assert!(
        store
            .delete("alice", &session.id, &meta(), now + minutes(4))
            .await
            .is_err(),
        "closing twice"
    );
    assert_eq!(
        store.sweep(now + minutes(60), 100).await.expect("sweep"),
        0,
        "a closed session does not expire again"
    );
    let events = drain(store.as_ref()).await;
    assert_eq!(events.len(), 1);
    let EventPayload::SessionExpired(ended) = &events[0].payload else {
        panic!("not session.expired");
    };
    assert_eq!((ended.duration, ended.message_count), (180, 1));
}

pub(crate) async fn bad_input_is_refused_and_changes_nothing(store: Arc<dyn SessionStore>) {
    let now = t0();
    for info in [json!([1, 2]), json!("text"), json!({ "blob": "x".repeat(5000) })] {
        assert!(matches!(
            store.create("alice", info, &meta(), now).await,
            Err(SessionError::Invalid(_))
        ));
    }
    let session = store.create("alice", json!({}), &meta(), now).await.expect("create");
    drain(store.as_ref()).await;
    let long = store
        .append("alice", &session.id, said(Role::User, &"a".repeat(2001)), &meta(), now)
        .await;
    assert!(matches!(long, Err(SessionError::TooLong { chars: 2001, max: 2000 })));
    let exactly = store
        .append("alice", &session.id, said(Role::User, &"é".repeat(2000)), &meta(), now)
        .await;
    assert!(exactly.is_ok(), "2000 characters (not bytes) are fine");
    let blank = store
        .append("alice", &session.id, said(Role::User, "  \n"), &meta(), now)
        .await;
    assert!(matches!(blank, Err(SessionError::Invalid(_))));
    let bad_meta = NewMessage {
        metadata: Some(Value::from(3)),
        ..said(Role::Assistant, "ok")
    };
    assert!(matches!(
        store.append("alice", &session.id, bad_meta, &meta(), now).await,
        Err(SessionError::Invalid(_))
    ));
    assert_eq!(
        store.get("alice", &session.id, now).await.expect("get").message_count,
        1
    );
    assert_eq!(
        drain(store.as_ref()).await.len(),
        1,
        "only the accepted message published"
    );
}

pub(crate) async fn concurrent_messages_get_distinct_positions(store: Arc<dyn SessionStore>) {
    let now = t0();
    let session = store.create("alice", json!({}), &meta(), now).await.expect("create");
    let writers = (0..10).map(|i| {
        let (store, id) = (store.clone(), session.id.clone());
        tokio::spawn(async move {
            store
                .append("alice", &id, said(Role::User, &format!("w{i}")), &meta(), now)
                .await
                .expect("append")
                .seq
        })
    });
    let mut seqs = Vec::new();
    for writer in writers.collect::<Vec<_>>() {
        seqs.push(writer.await.expect("writer"));
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=10).collect::<Vec<u64>>());
    assert_eq!(drain(store.as_ref()).await.len(), 11);
}

pub(crate) async fn active_sessions_are_counted(store: Arc<dyn SessionStore>) {
    let now = t0();
    let a = store.create("alice", json!({}), &meta(), now).await.expect("a");
    store
        .create("bob", json!({}), &meta(), now + minutes(10))
        .await
        .expect("b");
    assert_eq!(store.active_count(now + minutes(1)).await.expect("count"), 2);
    assert_eq!(
        store.active_count(now + minutes(35)).await.expect("count"),
        1,
        "alice's is past its deadline"
    );
    store
        .delete("alice", &a.id, &meta(), now + minutes(1))
        .await
        .expect("close");
    assert_eq!(store.active_count(now + minutes(2)).await.expect("count"), 1);
}

pub(crate) async fn acknowledged_events_leave_the_outbox(store: Arc<dyn SessionStore>) {
    let now = t0();
    for user in ["a", "b", "c"] {
        store.create(user, json!({}), &meta(), now).await.expect("create");
    }
    let first = store.claim_outbox(2).await.expect("claim").expect("free");
    assert_eq!(first.len(), 2);
    let again = store.claim_outbox(10).await.expect("claim").expect("free");
    assert_eq!(again.len(), 3, "unacknowledged events are handed out again");
    assert_eq!(again[0], first[0], "in order");
    store
        .ack_outbox(&[first[0].outbox_id.clone(), first[1].outbox_id.clone()])
        .await
        .expect("ack");
    let rest = store.claim_outbox(10).await.expect("claim").expect("free");
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0], again[2]);
}

pub(crate) async fn the_outbox_backlog_counts_what_waits_and_dates_the_oldest(store: Arc<dyn SessionStore>) {
    // Arrange: an empty outbox, then three sessions opened (one event each).
    let empty = store.outbox_backlog().await.expect("backlog");
    assert_eq!((empty.pending, empty.oldest), (0, None));
    let before = Utc::now() - chrono::Duration::seconds(1);
    for user in ["a", "b", "c"] {
        store.create(user, json!({}), &meta(), t0()).await.expect("create");
    }

    // Act
    let waiting = store.outbox_backlog().await.expect("backlog");
    let claimed = store.claim_outbox(10).await.expect("claim").expect("free");
    store.ack_outbox(&[claimed[0].outbox_id.clone()]).await.expect("ack");
    let after_ack = store.outbox_backlog().await.expect("backlog");

    // Assert: counted, and dated when queued (the wall clock, not the session's `now`).
    assert_eq!(waiting.pending, 3);
    let oldest = waiting.oldest.expect("the oldest is dated");
    assert!(oldest >= before && oldest <= Utc::now(), "queued just now: {oldest}");
    assert_eq!(oldest, claimed[0].written_at, "the oldest is the first claimed");
    assert!(claimed.windows(2).all(|w| w[0].written_at <= w[1].written_at));
    assert_eq!(after_ack.pending, 2);
    assert_eq!(after_ack.oldest, Some(claimed[1].written_at));
}

fn intent_event(session_id: &str, payload: EventPayload) -> Value {
    let _ = session_id;
    DomainEvent::new("/functions/chat-api", Utc::now(), EventMetadata::default(), payload).to_structured_json()
}

pub(crate) async fn intent_events_ride_with_a_message_and_nothing_else_does(store: Arc<dyn SessionStore>) {
    let now = t0();
    let session = store.create("alice", json!({}), &meta(), now).await.expect("create");
    drain(store.as_ref()).await;
    let recognized = EventPayload::IntentRecognized(todo_events::IntentRecognized {
        session_id: session.id.clone(),
        intent: "add".into(),
        confidence: 0.9,
        parameters: json!({ "title": "Milk" }),
    });
    let reply = NewMessage {
        events: vec![intent_event(&session.id, recognized)],
        ..said(Role::Assistant, "Added Milk.")
    };
    store
        .append("alice", &session.id, reply, &meta(), now)
        .await
        .expect("append");
    let events = drain(store.as_ref()).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].source, "/functions/chat-api");
    assert!(matches!(events[0].payload, EventPayload::IntentRecognized(_)));

    let elsewhere = EventPayload::IntentFailed(todo_events::IntentFailed {
        session_id: "another-session".into(),
        message: "??".into(),
        confidence: 0.1,
    });
    let foreign = EventPayload::TaskDeleted(todo_events::TaskDeleted {
        task_id: 1,
        deletion_reason: None,
    });
    for event in [
        intent_event(&session.id, elsewhere),
        intent_event(&session.id, foreign),
        json!({ "id": 1 }),
    ] {
        let message = NewMessage {
            events: vec![event],
            ..said(Role::Assistant, "x")
        };
        let refused = store.append("alice", &session.id, message, &meta(), now).await;
        assert!(matches!(refused, Err(SessionError::Invalid(_))), "{refused:?}");
    }
    assert_eq!(
        store.get("alice", &session.id, now).await.expect("get").message_count,
        1,
        "refused messages are not kept"
    );
    assert!(drain(store.as_ref()).await.is_empty());
}
