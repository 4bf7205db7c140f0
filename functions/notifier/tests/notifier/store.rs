//! The store's conformance suite: one body per behaviour, run on PostgreSQL and SQLite.

use chrono::Duration;
use notifier::Error;
use notifier::model::{AttemptResult, NewSubscription};

use crate::helpers::{Backend, TestNotifier, count, execute, on_both, open, settings, spawn, start, task_created};

on_both!(
    subscriptions_are_scoped_to_their_owner,
    the_subscription_limit_is_kept,
    a_database_from_before_the_migrations_keeps_its_subscriptions,
    claims_are_exclusive_until_their_lease_expires,
    a_retry_is_due_again_at_its_time,
    deleting_a_subscription_drops_its_pending_deliveries,
);

fn new_subscription() -> NewSubscription {
    NewSubscription {
        url: "https://hooks.example.com/in".into(),
        event_types: vec!["task.created".into()],
        secret: notifier::signature::generate_secret().into(),
        description: None,
    }
}

async fn queue(app: &TestNotifier, owner: &str, events: usize) {
    for _ in 0..events {
        app.deliver_event(&task_created(owner)).await;
    }
}

async fn subscriptions_are_scoped_to_their_owner(backend: Backend) {
    let app = spawn(backend).await;
    let store = &app.notifier.state.store;
    let created = store
        .create_subscription("alice", &new_subscription(), 25, start())
        .await
        .expect("created");
    assert_eq!(created.event_types, ["task.created"]);
    assert_eq!(created.created_at, start());
    assert_eq!(store.get_subscription("bob", created.id).await.expect("read"), None);
    assert!(store.list_subscriptions("bob").await.expect("read").is_empty());
    assert!(!store.delete_subscription("bob", created.id).await.expect("delete"));
    assert!(
        store
            .deliveries("bob", created.id, 10, None)
            .await
            .expect("read")
            .is_none()
    );
    assert_eq!(
        store.get_subscription("alice", created.id).await.expect("read"),
        Some(created.clone())
    );
    assert!(store.delete_subscription("alice", created.id).await.expect("delete"));
    assert!(store.list_subscriptions("alice").await.expect("read").is_empty());
}

async fn the_subscription_limit_is_kept(backend: Backend) {
    let app = spawn(backend).await;
    let store = &app.notifier.state.store;
    for _ in 0..2 {
        store
            .create_subscription("alice", &new_subscription(), 2, start())
            .await
            .expect("created");
    }
    let refused = store
        .create_subscription("alice", &new_subscription(), 2, start())
        .await;
    assert!(matches!(refused, Err(Error::LimitReached { max: 2 })), "{refused:?}");
    assert_eq!(store.list_subscriptions("alice").await.expect("read").len(), 2);
}

async fn a_database_from_before_the_migrations_keeps_its_subscriptions(backend: Backend) {
    // Arrange: the tables hold a subscription, but `_sqlx_migrations` does not list the notifier's
    // versions, as in a database the notifier set up before it had migrations.
    let app = spawn(backend).await;
    let created = app
        .notifier
        .state
        .store
        .create_subscription("alice", &new_subscription(), 25, start())
        .await
        .expect("created");
    let ours = "SELECT count(*) FROM _sqlx_migrations WHERE version BETWEEN 3000 AND 3999";
    assert_eq!(count(app.db.url(), ours).await, 1);
    execute(
        app.db.url(),
        "DELETE FROM _sqlx_migrations WHERE version BETWEEN 3000 AND 3999",
    )
    .await;

    // Act
    let reopened = open(app.db.url(), settings(), app.clock.clone()).await;

    // Assert
    let listed = reopened.state.store.list_subscriptions("alice").await.expect("read");
    assert_eq!(listed, [created]);
    assert_eq!(count(app.db.url(), ours).await, 1);
}

async fn claims_are_exclusive_until_their_lease_expires(backend: Backend) {
    // Arrange
    let app = spawn(backend).await;
    let store = &app.notifier.state.store;
    store
        .create_subscription("alice", &new_subscription(), 25, start())
        .await
        .expect("created");
    queue(&app, "alice", 3).await;
    let now = start();
    let lease = now + Duration::seconds(60);
    // Act
    let first = store.claim_due(now, lease, 10).await.expect("claim");
    let meanwhile = store
        .claim_due(now + Duration::seconds(59), lease, 10)
        .await
        .expect("claim");
    let after = store
        .claim_due(now + Duration::seconds(61), now + Duration::seconds(120), 2)
        .await
        .expect("claim");
    // Assert
    assert_eq!(first.len(), 3);
    assert!(meanwhile.is_empty());
    assert_eq!(after.len(), 2, "expired leases are taken over, up to the limit");
    let taken_over = &after[0];
    let stale = first
        .iter()
        .find(|c| c.delivery_id == taken_over.delivery_id)
        .expect("the same delivery");
    let sent = AttemptResult::Sent { status_code: 200 };
    let event = task_created("alice");
    assert!(
        !store
            .record_attempt(stale, &sent, std::slice::from_ref(&event), now)
            .await
            .expect("record")
    );
    assert!(app.outbox().await.is_empty(), "a lost lease writes nothing");
    assert!(
        store
            .record_attempt(taken_over, &sent, &[event], now)
            .await
            .expect("record")
    );
    assert_eq!(app.outbox().await.len(), 1);
}

async fn a_retry_is_due_again_at_its_time(backend: Backend) {
    // Arrange
    let app = spawn(backend).await;
    let store = &app.notifier.state.store;
    let sub = store
        .create_subscription("alice", &new_subscription(), 25, start())
        .await
        .expect("created");
    queue(&app, "alice", 1).await;
    let now = start();
    let claim = store
        .claim_due(now, now + Duration::seconds(60), 10)
        .await
        .expect("claim");
    let retry = AttemptResult::Retry {
        status_code: Some(502),
        error: "the endpoint answered HTTP 502".into(),
        next_attempt_at: now + Duration::seconds(10),
    };
    // Act
    assert!(store.record_attempt(&claim[0], &retry, &[], now).await.expect("record"));
    let early = store
        .claim_due(now + Duration::seconds(9), now + Duration::seconds(60), 10)
        .await
        .expect("claim");
    let due = store
        .claim_due(now + Duration::seconds(10), now + Duration::seconds(70), 10)
        .await
        .expect("claim");
    // Assert
    assert!(early.is_empty());
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].attempts, 1);
    assert_eq!(due[0].first_attempt_at, Some(now));
    assert_eq!(due[0].owner_id, "alice");
    assert_eq!(due[0].subscription_id, sub.id);
    let page = store
        .deliveries("alice", sub.id, 10, None)
        .await
        .expect("read")
        .expect("a page");
    assert_eq!(page.items[0].last_status_code, Some(502));
    assert_eq!(page.items[0].next_attempt_at, Some(now + Duration::seconds(10)));
}

async fn deleting_a_subscription_drops_its_pending_deliveries(backend: Backend) {
    let app = spawn(backend).await;
    let store = &app.notifier.state.store;
    let sub = store
        .create_subscription("alice", &new_subscription(), 25, start())
        .await
        .expect("created");
    queue(&app, "alice", 2).await;
    assert!(store.delete_subscription("alice", sub.id).await.expect("delete"));
    let claimed = store
        .claim_due(start(), start() + Duration::seconds(60), 10)
        .await
        .expect("claim");
    assert!(claimed.is_empty());
}
