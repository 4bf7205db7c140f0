//! One suite for every session store: each case runs on the in-process store, on Redis
//! (127.0.0.1:6379, or `TEST_REDIS_URL`) and on Redis over TLS as managed Redis is reached
//! (`rediss://127.0.0.1:16380` with the CA of `scripts/redis-tls.sh`, see [`tls`]), each Redis case
//! under its own key prefix, removed after. Time is passed in, so expiry is tested without
//! sleeping. Without their Redis the cases fail, never skip.

mod cases;
mod relay;
mod tls;

use std::sync::Arc;

use session_api::SessionSettings;
use session_api::store::{MemorySessionStore, RedisSessionStore, SessionStore};

// The cases each_backend! runs, by name.
use cases::*;
use relay::*;

fn redis_url() -> String {
    std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// A Redis store under a fresh prefix; the keys go when the guard drops.
struct RedisGuard {
    prefix: String,
    /// The server's client (plain or TLS).
    client: Option<redis::Client>,
}

impl Drop for RedisGuard {
    fn drop(&mut self) {
        let Some(client) = self.client.take() else { return };
        let Ok(mut conn) = client.get_connection() else { return };
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(format!("{}*", self.prefix))
            .query(&mut conn)
            .unwrap_or_default();
        if !keys.is_empty() {
            let _: Result<(), _> = redis::cmd("DEL").arg(keys).query(&mut conn);
        }
    }
}

async fn redis_store(settings: SessionSettings) -> (Arc<dyn SessionStore>, RedisGuard) {
    let prefix = format!("test:{}:", uuid::Uuid::new_v4().simple());
    let store = RedisSessionStore::connect(&redis_url(), settings, &prefix)
        .await
        .unwrap_or_else(|e| panic!("Redis must answer at {} ({e}); see ../shared/services.md", redis_url()));
    let client = redis::Client::open(redis_url()).ok();
    (Arc::new(store), RedisGuard { prefix, client })
}

todo_testing::each_backend! {
    backends {
        on_memory => |case| case(Arc::new(MemorySessionStore::new(cases::settings()))).await,
        on_redis => |case| {
            let (store, _guard) = redis_store(cases::settings()).await;
            case(store).await
        },
        on_rediss => |case| {
            let (store, _guard) = tls::rediss_store(cases::settings()).await;
            case(store).await
        },
    }
    cases {
        a_session_belongs_to_its_owner,
        opening_queues_session_created,
        a_message_slides_the_deadline_and_counts,
        only_user_messages_publish_message_received,
        history_keeps_the_newest_messages_and_pages_back,
        an_idle_session_expires_at_its_deadline,
        each_session_expires_exactly_once_even_with_concurrent_sweepers,
        closing_ends_the_session_with_one_expired_event,
        bad_input_is_refused_and_changes_nothing,
        concurrent_messages_get_distinct_positions,
        active_sessions_are_counted,
        acknowledged_events_leave_the_outbox,
        the_outbox_backlog_counts_what_waits_and_dates_the_oldest,
        intent_events_ride_with_a_message_and_nothing_else_does,
        the_shared_relay_publishes_session_events_beside_task_events,
        a_relay_claim_skips_what_unfinished_claims_hold,
    }
}
