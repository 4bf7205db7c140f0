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

macro_rules! on_every_store {
    ($($module:ident::$case:ident),* $(,)?) => {
        mod on_memory {
            $(
                #[tokio::test]
                async fn $case() {
                    let settings = super::cases::settings();
                    super::$module::$case(std::sync::Arc::new(super::MemorySessionStore::new(settings))).await;
                }
            )*
        }
        mod on_redis {
            $(
                #[tokio::test]
                async fn $case() {
                    let (store, _guard) = super::redis_store(super::cases::settings()).await;
                    super::$module::$case(store).await;
                }
            )*
        }
        mod on_rediss {
            $(
                #[tokio::test]
                async fn $case() {
                    let (store, _guard) = super::tls::rediss_store(super::cases::settings()).await;
                    super::$module::$case(store).await;
                }
            )*
        }
    };
}

on_every_store!(
    cases::a_session_belongs_to_its_owner,
    cases::opening_queues_session_created,
    cases::a_message_slides_the_deadline_and_counts,
    cases::only_user_messages_publish_message_received,
    cases::history_keeps_the_newest_messages_and_pages_back,
    cases::an_idle_session_expires_at_its_deadline,
    cases::each_session_expires_exactly_once_even_with_concurrent_sweepers,
    cases::closing_ends_the_session_with_one_expired_event,
    cases::bad_input_is_refused_and_changes_nothing,
    cases::concurrent_messages_get_distinct_positions,
    cases::active_sessions_are_counted,
    cases::acknowledged_events_leave_the_outbox,
    cases::intent_events_ride_with_a_message_and_nothing_else_does,
    relay::the_shared_relay_publishes_session_events_beside_task_events,
    relay::a_relay_claim_skips_what_unfinished_claims_hold,
);
