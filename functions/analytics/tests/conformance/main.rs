//! One suite for both read model stores: every case runs on PostgreSQL (a throwaway database,
//! see todo-testing) and on a SQLite file, through the `ReadModel` trait and its handler only.
//! The rebuild cases replay the history from the in-memory bus.

#[path = "../common/mod.rs"]
mod common;

mod audit;
mod cases;
mod delivery;
mod rebuild;

use std::sync::Arc;

use analytics::ReadModel;
use todo_testing::TestDatabase;

// The cases each_backend! runs, by name.
use audit::*;
use cases::*;
use delivery::*;
use rebuild::*;

/// A fresh read model on `db`; keep `db` alive as long as the model.
async fn model(db: &TestDatabase) -> Arc<dyn ReadModel> {
    analytics::store::connect(db.url())
        .await
        .unwrap_or_else(|e| panic!("cannot open the read model at {}: {e}", db.url()))
}

todo_testing::each_backend! {
    backends {
        on_postgres => |case| {
            let db = TestDatabase::postgres().await;
            case(model(&db).await, db.url()).await
        },
        on_sqlite => |case| {
            let db = TestDatabase::sqlite();
            case(model(&db).await, db.url()).await
        },
    }
    cases {
        the_trail_is_kept_once_per_event_newest_first_per_actor,
        a_known_history_gives_known_numbers,
        trends_fill_every_day_and_week,
        a_completion_before_its_creation_still_counts,
        reopening_takes_back_a_completion_even_when_it_arrives_first,
        deleting_a_completed_task_keeps_its_completion,
        priority_and_tag_changes_move_open_tasks_and_stale_ones_lose,
        other_users_numbers_are_never_visible,
        events_without_a_user_or_a_number_are_skipped,
        a_repeated_delivery_counts_once,
        concurrent_repeated_deliveries_count_once,
        any_delivery_order_gives_the_same_numbers,
        a_rebuild_restores_a_damaged_model,
        a_rebuild_beside_the_live_consumer_counts_each_event_once,
        reset_forgets_the_model_and_the_processed_events,
        a_rebuild_without_history_leaves_the_model_alone,
    }
}
