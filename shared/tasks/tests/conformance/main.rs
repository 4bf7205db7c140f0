//! One conformance suite for every `TaskStore`: each case below runs against SQLite and against
//! PostgreSQL (a fresh database per test), so both stores keep the same contract.

mod cases;
mod fixtures;
mod list_versions;
mod listing;
mod outbox;
mod replay;
mod schedule;

use std::sync::Arc;

use todo_tasks::store::TaskStore;
use todo_testing::TestDatabase;

// The cases each_backend! runs, by name.
use cases::*;
use listing::*;
use outbox::*;
use schedule::*;

/// A store over a throwaway database, kept alive as long as the store is used.
pub(crate) struct Backend {
    pub(crate) store: Arc<dyn TaskStore>,
    _db: TestDatabase,
}

pub(crate) async fn sqlite() -> Backend {
    let db = TestDatabase::sqlite();
    let store = todo_tasks::store::connect(db.url()).await.expect("open SQLite store");
    Backend { store, _db: db }
}

pub(crate) async fn postgres() -> Backend {
    let db = TestDatabase::postgres().await;
    let store = todo_tasks::store::connect(db.url())
        .await
        .expect("open PostgreSQL store");
    Backend { store, _db: db }
}

todo_testing::each_backend! {
    backends {
        on_sqlite => |case| case(sqlite().await.store.as_ref()).await,
        on_postgres => |case| case(postgres().await.store.as_ref()).await,
    }
    cases {
    a_created_task_reads_back_with_every_field,
    another_user_can_neither_see_nor_change_a_task,
    an_update_bumps_the_version_and_records_history_and_an_event,
    a_patch_that_changes_nothing_writes_nothing,
    a_stale_version_is_refused_and_changes_nothing,
    completing_twice_publishes_one_completion,
    reopening_clears_completion,
    deleting_hides_the_task_and_publishes_the_reason,
    a_reminder_without_due_date_is_refused_on_update,
    concurrent_updates_from_the_same_version_let_exactly_one_win,
    concurrent_changes_without_if_match_are_all_applied,
    concurrent_creates_each_write_their_task_history_and_event_once,
    every_outbox_row_is_a_valid_cloudevent_in_write_order,
    the_list_version_moves_with_every_change_of_the_owner_only,
    filters_select_exactly_the_matching_tasks,
    search_matches_word_prefixes_in_title_and_description,
    every_sort_pages_through_all_tasks_in_order,
    a_cursor_from_another_query_is_refused,
    a_claim_hands_out_the_oldest_rows_until_they_are_marked,
    the_backlog_counts_pending_rows_and_dates_the_oldest,
    a_leader_polling_an_empty_outbox_sees_the_next_write,
    claims_on_the_way_at_once_never_share_a_row,
    a_dropped_claim_leaves_its_rows_pending,
    pruning_deletes_only_rows_published_before_the_cutoff,
    a_write_wakes_a_waiting_relay,
    due_tasks_are_exactly_the_pending_ones_owed_each_kind,
    a_mark_is_made_once_and_a_new_due_time_rearms_it,
    concurrent_marks_of_one_task_make_one_announcement,
    a_task_completed_since_the_scan_is_not_announced,
    an_occurrence_is_created_once_and_shows_its_series,
    a_task_made_recurring_starts_its_own_series,
    }
}

/// Several relays share an outbox: while one leads, the others do not; when it goes, one may.
#[tokio::test]
async fn on_postgres_a_second_relay_waits_while_one_leads() {
    a_second_relay_waits_while_one_leads(postgres().await).await;
}

#[tokio::test]
async fn on_sqlite_a_second_relay_waits_while_one_leads() {
    a_second_relay_waits_while_one_leads(sqlite().await).await;
}

async fn a_second_relay_waits_while_one_leads(b: Backend) {
    fixtures::create(b.store.as_ref(), "alice", fixtures::draft("one")).await;
    let leader = b.store.lead().await.expect("lead").expect("first relay");
    for _ in 0..3 {
        assert!(
            b.store.lead().await.expect("lead").is_none(),
            "a second relay must not lead meanwhile"
        );
    }
    drop(leader);
    let claim = fixtures::claim_when_free(b.store.as_ref()).await;
    assert_eq!(claim.rows().len(), 1);
}

/// Cases that need two stores of the same kind.
mod pairs {
    #[tokio::test]
    async fn replaying_an_outbox_into_an_empty_store_rebuilds_it_on_sqlite() {
        let (a, b) = (super::sqlite().await, super::sqlite().await);
        super::replay::replaying_an_outbox_into_an_empty_store_rebuilds_it(a.store.as_ref(), b.store.as_ref()).await;
    }

    #[tokio::test]
    async fn replaying_an_outbox_into_an_empty_store_rebuilds_it_on_postgres() {
        let (a, b) = (super::postgres().await, super::postgres().await);
        super::replay::replaying_an_outbox_into_an_empty_store_rebuilds_it(a.store.as_ref(), b.store.as_ref()).await;
    }
}
