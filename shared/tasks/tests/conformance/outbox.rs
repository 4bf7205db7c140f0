//! Cases about the outbox as a relay uses it: leadership, claims (several at once), marking,
//! pruning, wake-ups.

use std::time::{Duration, Instant};

use chrono::Utc;
use todo_tasks::store::TaskStore;

use crate::fixtures::{claim_when_free, create, draft, lead_when_free};

pub(crate) async fn a_claim_hands_out_the_oldest_rows_until_they_are_marked(store: &dyn TaskStore) {
    for i in 0..5 {
        create(store, "alice", draft(&format!("t{i}"))).await;
    }
    assert_eq!(store.pending_count().await.expect("count"), 5);
    let leader = lead_when_free(store).await;
    let claim = leader.claim(3).await.expect("claim");
    let first: Vec<i64> = claim.rows().iter().map(|r| r.id).collect();
    assert_eq!(first.len(), 3);
    assert!(first.windows(2).all(|w| w[0] < w[1]));
    claim.mark_published(Utc::now()).await.expect("mark");
    assert_eq!(store.pending_count().await.expect("count"), 2);
    let rest = leader.claim(10).await.expect("claim");
    assert_eq!(rest.rows().len(), 2);
    assert!(rest.rows()[0].id > first[2]);
    rest.mark_published(Utc::now()).await.expect("mark");
    let empty = leader.claim(10).await.expect("claim");
    assert!(empty.rows().is_empty());
}

pub(crate) async fn claims_on_the_way_at_once_never_share_a_row(store: &dyn TaskStore) {
    for i in 0..7 {
        create(store, "alice", draft(&format!("t{i}"))).await;
    }
    let leader = lead_when_free(store).await;
    let ids = |claim: &dyn todo_tasks::store::OutboxClaim| claim.rows().iter().map(|r| r.id).collect::<Vec<_>>();
    let first = leader.claim(3).await.expect("claim");
    let second = leader.claim(3).await.expect("claim");
    let third = leader.claim(3).await.expect("claim");
    let (a, b, c) = (ids(first.as_ref()), ids(second.as_ref()), ids(third.as_ref()));
    assert_eq!((a.len(), b.len(), c.len()), (3, 3, 1));
    assert!(
        a[2] < b[0] && b[2] < c[0],
        "claims overlap or are out of order: {a:?} {b:?} {c:?}"
    );
    assert!(
        leader.claim(3).await.expect("claim").rows().is_empty(),
        "every row is held"
    );
    // Marked out of order, and one given back: only the given-back rows are claimed again.
    third.mark_published(Utc::now()).await.expect("mark");
    drop(second);
    first.mark_published(Utc::now()).await.expect("mark");
    let again = leader.claim(10).await.expect("claim");
    assert_eq!(ids(again.as_ref()), b);
    again.mark_published(Utc::now()).await.expect("mark");
    assert_eq!(store.pending_count().await.expect("count"), 0);
}

pub(crate) async fn a_dropped_claim_leaves_its_rows_pending(store: &dyn TaskStore) {
    create(store, "alice", draft("once")).await;
    let leader = lead_when_free(store).await;
    let claim = leader.claim(10).await.expect("claim");
    let id = claim.rows()[0].id;
    drop(claim);
    let again = leader.claim(10).await.expect("claim");
    assert_eq!(again.rows().iter().map(|r| r.id).collect::<Vec<_>>(), [id]);
    drop(again);
    drop(leader);
    let next_leader = claim_when_free(store).await;
    assert_eq!(next_leader.rows().iter().map(|r| r.id).collect::<Vec<_>>(), [id]);
}

pub(crate) async fn pruning_deletes_only_rows_published_before_the_cutoff(store: &dyn TaskStore) {
    let leader = lead_when_free(store).await;
    create(store, "alice", draft("old")).await;
    leader
        .claim(10)
        .await
        .expect("claim")
        .mark_published(Utc::now() - chrono::Duration::days(8))
        .await
        .expect("mark");
    create(store, "alice", draft("recent")).await;
    leader
        .claim(10)
        .await
        .expect("claim")
        .mark_published(Utc::now())
        .await
        .expect("mark");
    create(store, "alice", draft("pending")).await;
    let pruned = store
        .prune_published(Utc::now() - chrono::Duration::days(7))
        .await
        .expect("prune");
    assert_eq!(pruned, 1);
    assert_eq!(store.pending_count().await.expect("count"), 1);
}

pub(crate) async fn a_write_wakes_a_waiting_relay(store: &dyn TaskStore) {
    // Let a first wait set up whatever it listens with.
    store.wait_for_rows(Duration::from_millis(50)).await;
    let started = Instant::now();
    let (_, ()) = tokio::join!(
        async {
            tokio::time::sleep(Duration::from_millis(100)).await;
            create(store, "alice", draft("wake up")).await
        },
        store.wait_for_rows(Duration::from_secs(20)),
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "waited {:?}",
        started.elapsed()
    );
}

pub(crate) async fn the_backlog_counts_pending_rows_and_dates_the_oldest(store: &dyn TaskStore) {
    let empty = store.backlog().await.expect("backlog");
    assert_eq!((empty.pending, empty.oldest), (0, None));
    let before = Utc::now() - chrono::Duration::seconds(1);
    create(store, "alice", draft("first")).await;
    create(store, "bob", draft("second")).await;
    let backlog = store.backlog().await.expect("backlog");
    assert_eq!(backlog.pending, 2);
    let oldest = backlog.oldest.expect("an oldest row");
    assert!(
        oldest >= before && oldest <= Utc::now(),
        "oldest {oldest} is not the first write's time"
    );
    let rows = store.unpublished_outbox(10).await.expect("rows");
    assert_eq!(oldest, rows[0].created_at);
    claim_when_free(store)
        .await
        .mark_published(Utc::now())
        .await
        .expect("mark");
    assert_eq!(
        store.backlog().await.expect("backlog"),
        todo_tasks::store::Backlog::default()
    );
}

pub(crate) async fn a_leader_polling_an_empty_outbox_sees_the_next_write(store: &dyn TaskStore) {
    let leader = lead_when_free(store).await;
    for _ in 0..20 {
        assert!(leader.claim(10).await.expect("claim").rows().is_empty());
    }
    create(store, "alice", draft("after polling")).await;
    assert_eq!(leader.claim(10).await.expect("claim").rows().len(), 1);
}
